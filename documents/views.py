from django.http import HttpResponse


def start(request):
    # The client user's start page (issue 5) replaces this.
    return HttpResponse("Underlag")

from django.http import HttpResponse

from bureau.access import accountant_required


@accountant_required
def client_list(request):
    # "Hantera klienter" (issue 2) replaces this.
    return HttpResponse("Hantera klienter")

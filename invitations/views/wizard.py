from django.http import HttpResponse

from bureau.access import accountant_required


@accountant_required
def wizard(request):
    # The "Bjud in klientanvändare" wizard (issue 3) replaces this.
    return HttpResponse("Bjud in klientanvändare")

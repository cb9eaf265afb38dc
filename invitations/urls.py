from django.urls import path

from .views import wizard

app_name = "invitations"

urlpatterns = [
    path("bjud-in/", wizard.wizard, name="wizard"),
]

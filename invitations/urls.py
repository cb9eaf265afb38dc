from django.urls import path

from .views import adoption, lifecycle, wizard

app_name = "invitations"

urlpatterns = [
    path("bjud-in/", wizard.wizard, name="wizard"),
    path("<int:pk>/", lifecycle.invitation_detail, name="detail"),
    path("skicka-igen/", lifecycle.resend, name="resend"),
    path("aterkalla/", lifecycle.revoke, name="revoke"),
    path("inforande/", adoption.adoption, name="adoption"),
]

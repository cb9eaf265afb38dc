from django.urls import path

from .views import adoption, lifecycle, overview, wizard

app_name = "invitations"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("bjud-in/", wizard.wizard, name="wizard"),
    path("bjud-in/<uuid:key>/nya/", wizard.new_users, name="wizard_new_users"),
    path("bjud-in/<uuid:key>/granska/", wizard.review, name="wizard_review"),
    path("bjud-in/<uuid:key>/befintliga/", wizard.existing_users, name="wizard_existing_users"),
    path("omgang/<int:pk>/", wizard.batch_result, name="batch_result"),
    path("<int:pk>/", lifecycle.invitation_detail, name="detail"),
    path("skicka-igen/", lifecycle.resend, name="resend"),
    path("aterkalla/", lifecycle.revoke, name="revoke"),
    path("inforande/", adoption.adoption, name="adoption"),
]

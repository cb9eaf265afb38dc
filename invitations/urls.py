from django.urls import path

from .views import adoption, bulk_entry, lifecycle, overview, wizard

app_name = "invitations"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("bjud-in/", wizard.wizard, name="wizard"),
    path("bjud-in/<uuid:key>/nya/", wizard.new_users, name="wizard_new_users"),
    path("bjud-in/<uuid:key>/granska/", wizard.review, name="wizard_review"),
    path("bjud-in/<uuid:key>/befintliga/", wizard.existing_users, name="wizard_existing_users"),
    path(
        "bjud-in/<uuid:key>/befintliga/granska/",
        wizard.existing_review,
        name="wizard_existing_review",
    ),
    path(
        "bjud-in/klienter-utan-anvandare.<str:file_format>",
        bulk_entry.client_list,
        name="wizard_client_list",
    ),
    path("omgang/<int:pk>/", wizard.batch_result, name="batch_result"),
    path("<int:pk>/", lifecycle.invitation_detail, name="detail"),
    path("skicka-igen/", lifecycle.resend, name="resend"),
    path("aterkalla/", lifecycle.revoke, name="revoke"),
    path("inforande/", adoption.adoption, name="adoption"),
]

"""The project's URLs as a DEBUG run has them (config.urls adds these only when DEBUG is on)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("utveckling/", include("invitations.development_urls")),
]

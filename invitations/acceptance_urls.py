from django.urls import path

from .views import acceptance

app_name = "acceptance"

urlpatterns = [
    # Before the secret's pattern; no secret is this short.
    path("ny-lank-begard/", acceptance.new_link_requested, name="new_link_requested"),
    path("<str:secret>/", acceptance.accept, name="accept"),
    path("<str:secret>/ny-lank/", acceptance.request_new_link, name="request_new_link"),
]

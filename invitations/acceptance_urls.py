from django.urls import path

from .views import acceptance

app_name = "acceptance"

urlpatterns = [
    path("<str:secret>/", acceptance.accept, name="accept"),
    path("<str:secret>/ny-lank/", acceptance.request_new_link, name="request_new_link"),
]

from django.urls import path

from .views import acceptance

app_name = "acceptance"

urlpatterns = [
    path("<str:secret>/", acceptance.accept, name="accept"),
]

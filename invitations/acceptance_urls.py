from django.urls import path

from . import acceptance_views

app_name = "acceptance"

urlpatterns = [
    path("<str:secret>/", acceptance_views.accept, name="accept"),
]

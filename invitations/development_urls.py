from django.urls import path

from .views import development

app_name = "development"

urlpatterns = [
    path("utkorg/", development.outbox, name="outbox"),
]

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.start, name="start"),
    path("inkommet/", views.firm_list, name="firm_list"),
    path("<int:pk>/fil/", views.download, name="download"),
    path("<int:pk>/hanterat/", views.mark_handled, name="mark_handled"),
]

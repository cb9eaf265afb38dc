from django.urls import path
from django.views.generic import RedirectView

from accounts.views import AppLoginView

from . import app_views, views

app_name = "documents"

# Everything under /underlag/ belongs to the client's app (its manifest's scope); the firm's
# pages live outside it, so the installed app never opens them in its window.
urlpatterns = [
    path("underlag/", views.start, name="start"),
    path("underlag/logga-in/", AppLoginView.as_view(), name="app_login"),
    path("underlag/skicka/", app_views.send_one, name="send_one"),
    path("underlag/dela/", app_views.share, name="share"),
    path("underlag/app.webmanifest", app_views.manifest, name="manifest"),
    path("underlag/sw.js", app_views.service_worker, name="service_worker"),
    path("underlag/offline/", app_views.offline, name="offline"),
    path("underlag/<int:pk>/fil/", views.download, name="download"),
    path("inkommet-underlag/", views.firm_list, name="firm_list"),
    path("inkommet-underlag/<int:pk>/hanterat/", views.mark_handled, name="mark_handled"),
    # The firm's list lived under /underlag/ before the app: old bookmarks still arrive.
    path(
        "underlag/inkommet/",
        RedirectView.as_view(pattern_name="documents:firm_list", query_string=True),
    ),
]

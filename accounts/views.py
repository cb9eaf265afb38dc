from django.contrib.auth import views as auth_views


class LogoutView(auth_views.LogoutView):
    """Logging out also empties the client app's storage in this browser.

    ``Clear-Site-Data`` makes the browser drop the service worker's caches, the queue of
    files not yet sent (IndexedDB) and the worker itself, so the next person on a shared
    phone finds nothing of the last one. The app's script clears the same before the form
    is sent, for browsers that ignore the header.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class AppLoginView(auth_views.LoginView):
    """The same password login, at ``/underlag/logga-in/``: inside the installed app's scope,
    so signing in does not leave the app's window. Client pages send visitors here."""

    template_name = "registration/login.html"
    extra_context = {"app_login": True}

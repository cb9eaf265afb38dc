from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.language import set_language
from bureau import views as bureau_views
from operations.health import healthz

urlpatterns = [
    path("", bureau_views.home, name="home"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logga-ut/", account_views.LogoutView.as_view(), name="logout"),
    path("passnycklar/", include("passkeys.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # Browsers ask for /favicon.ico by themselves (a downloaded PDF's tab, for one).
    path("favicon.ico", bureau_views.favicon),
    path("klienter/", include("clients.urls")),
    path("inbjudningar/", include("invitations.urls")),
    path("inbjudan/", include("invitations.acceptance_urls")),
    # The client's pages under /underlag/ (the installed app's scope), the firm's elsewhere.
    path("", include("documents.urls")),
    path("e-post/", include("inbound.urls")),
    # Mail from the configured provider (ANYMAIL_ESP) to the clients' addresses.
    path("webhooks/", include("inbound.webhook_urls")),
    path("webhooks/", include("invitations.delivery.urls")),
    path("admin/", admin.site.urls),
    # For load balancers: 200 "ok" or 503, unauthenticated, revealing nothing else.
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    urlpatterns += [path("utveckling/", include("invitations.development_urls"))]

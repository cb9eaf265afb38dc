from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bureau import views as bureau_views

urlpatterns = [
    path("", bureau_views.home, name="home"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("klienter/", include("clients.urls")),
    path("inbjudningar/", include("invitations.urls")),
    path("inbjudan/", include("invitations.acceptance_urls")),
    path("underlag/", include("documents.urls")),
    path("webhooks/", include("invitations.webhook_urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("utveckling/", include("invitations.development_urls"))]

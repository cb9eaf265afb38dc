from django.urls import path

from . import views

app_name = "passkeys"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("ny/alternativ/", views.registration_options, name="registration_options"),
    path("ny/", views.register, name="register"),
    path("logga-in/alternativ/", views.authentication_options, name="authentication_options"),
    path("logga-in/", views.sign_in, name="sign_in"),
    path("<int:pk>/ta-bort/", views.remove, name="remove"),
]

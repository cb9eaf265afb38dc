from django.urls import path

from . import views

app_name = "inbound"

urlpatterns = [
    path("", views.message_list, name="messages"),
    path("<int:pk>/beslut/", views.decide, name="decide"),
    path("svar/", views.auto_reply, name="auto_reply"),
    path("klient/<int:pk>/", views.client_mail, name="client"),
    path("klient/<int:pk>/ny-adress/", views.replace_address, name="replace_address"),
    path(
        "klient/<int:pk>/betrodda/<int:trust_pk>/ta-bort/",
        views.remove_trust,
        name="remove_trust",
    ),
    path("kontakt/<int:client_pk>/", views.contact_card, name="contact_card"),
]

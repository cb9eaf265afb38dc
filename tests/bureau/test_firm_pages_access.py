"""Every firm page refuses a client user, even one whose own invitation and underlag it is about."""

import uuid

import pytest
from django.urls import reverse

from clients.models import ClientCompany
from documents.models import Document
from invitations.models import Invitation, InvitationBatch
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.documents.factories import DocumentFactory
from tests.invitations.factories import InvitationBatchFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_user_of_the_firm(client, firm):
    """A client user of ``firm``: invited in a batch, with one document sent."""
    accountant = AccountantFactory(firm_membership__firm=firm)
    company = ClientCompanyFactory(firm=firm)
    batch = InvitationBatchFactory(created_by=accountant)
    invitation = InvitationFactory(client=company, invited_by=accountant, batch=batch)
    ClientMembershipFactory(client=company, user=invitation.user)
    document = DocumentFactory(client=company, uploaded_by=invitation.user)
    client.force_login(invitation.user)
    return client, invitation, batch, document


def firm_urls(invitation, batch, document) -> list[str]:
    key = uuid.uuid4()
    return [
        reverse("clients:list"),
        reverse("clients:create"),
        reverse("invitations:overview"),
        reverse("invitations:wizard"),
        reverse("invitations:wizard_new_users", kwargs={"key": key}),
        reverse("invitations:wizard_review", kwargs={"key": key}),
        reverse("invitations:wizard_existing_users", kwargs={"key": key}),
        reverse("invitations:batch_result", kwargs={"pk": batch.pk}),
        reverse("invitations:detail", kwargs={"pk": invitation.pk}),
        reverse("invitations:adoption"),
        reverse("documents:firm_list"),
    ]


def test_a_client_user_gets_403_on_every_firm_page(client_user_of_the_firm):
    http, invitation, batch, document = client_user_of_the_firm

    for url in firm_urls(invitation, batch, document):
        assert http.get(url).status_code == 403, url


def test_a_client_users_posts_to_the_firm_pages_are_refused_and_change_nothing(
    client_user_of_the_firm,
):
    http, invitation, batch, document = client_user_of_the_firm
    clients_before = ClientCompany.objects.count()
    secret_hash = invitation.secret_hash
    posts = [
        *((url, {}) for url in firm_urls(invitation, batch, document)),
        (reverse("clients:create"), {"name": "Eget AB", "org_number": "556036-0793"}),
        (reverse("invitations:wizard"), {"choice": "new_users"}),
        (reverse("invitations:resend"), {"invitation": [invitation.pk]}),
        (reverse("invitations:revoke"), {"invitation": [invitation.pk]}),
        (reverse("documents:mark_handled", kwargs={"pk": document.pk}), {}),
    ]

    for url, data in posts:
        assert http.post(url, data).status_code == 403, url

    invitation.refresh_from_db()
    assert (invitation.status, invitation.secret_hash) == ("pending", secret_hash)
    assert Invitation.objects.get().pk == invitation.pk
    assert ClientCompany.objects.count() == clients_before
    assert InvitationBatch.objects.get().pk == batch.pk
    assert Document.objects.get().status == document.status


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_page(client, client_user_of_the_firm):
    _, invitation, batch, document = client_user_of_the_firm
    client.logout()
    urls = [
        *firm_urls(invitation, batch, document),
        reverse("home"),
        reverse("documents:download", kwargs={"pk": document.pk}),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    # The app's start page sends to the app's own login page (inside the app's scope).
    response = client.get(reverse("documents:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("documents:app_login"))

"""The firm's side of underlag: newest first, only clients with a right, handled, download."""

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentStatus
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory, tiny_pdf

LIST = "documents:firm_list"


@pytest.fixture
def with_right(firm, accountant):
    client_company = ClientCompanyFactory(firm=firm, name="Rätt Klient AB")
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=False)
    return client_company


@pytest.fixture
def without_right(firm):
    return ClientCompanyFactory(firm=firm, name="Annans Klient AB")


def test_the_accountant_sees_documents_of_clients_with_a_right_newest_first(
    accountant_client, with_right, without_right
):
    older = DocumentFactory(client=with_right, original_name="gammalt.pdf")
    newer = DocumentFactory(client=with_right, original_name="nytt.pdf")
    DocumentFactory(client=without_right, original_name="annans.pdf")
    DocumentFactory(original_name="annan-byra.pdf")
    type(older).objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=1)
    )

    page = accountant_client.get(reverse(LIST)).content.decode()

    assert page.index(newer.original_name) < page.index(older.original_name)
    assert "annans.pdf" not in page and "annan-byra.pdf" not in page


def test_the_list_costs_the_same_for_few_and_many(
    accountant_client, with_right, django_assert_num_queries
):
    DocumentFactory.create_batch(2, client=with_right)
    # session, user, membership, count, page (the client is searched for, not listed), and
    # the mail waiting for approval (inbound's section)
    with django_assert_num_queries(6):
        accountant_client.get(reverse(LIST))
    DocumentFactory.create_batch(30, client=with_right)
    with django_assert_num_queries(6):
        accountant_client.get(reverse(LIST))


def test_filters_by_client_and_status(accountant, accountant_client, firm, with_right):
    second = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=second)
    DocumentFactory(client=with_right, original_name="ettan.pdf")
    DocumentFactory(client=with_right, original_name="klart.pdf", status=DocumentStatus.HANDLED)
    DocumentFactory(client=second, original_name="tvaan.pdf")

    by_client = accountant_client.get(reverse(LIST), {"client": second.pk}).content.decode()
    by_status = accountant_client.get(reverse(LIST), {"status": "handled"}).content.decode()

    assert "tvaan.pdf" in by_client and "ettan.pdf" not in by_client
    assert "klart.pdf" in by_status and "ettan.pdf" not in by_status


def test_marking_handled_records_who_and_when(accountant, accountant_client, with_right):
    document = DocumentFactory(client=with_right)

    response = accountant_client.post(
        reverse("documents:mark_handled", args=[document.pk]), follow=True
    )

    document.refresh_from_db()
    assert document.status == DocumentStatus.HANDLED
    assert document.handled_by == accountant and document.handled_at
    assert "Underlaget är markerat som hanterat." in response.content.decode()


def test_marking_handled_is_refused_without_a_right_or_across_firms(
    accountant_client, without_right
):
    unreachable = [DocumentFactory(client=without_right), DocumentFactory()]

    for document in unreachable:
        accountant_client.post(reverse("documents:mark_handled", args=[document.pk]))

    for document in unreachable:
        document.refresh_from_db()
        assert document.status == DocumentStatus.RECEIVED


def test_download_only_for_the_clients_users_and_accountants_with_a_right(
    client, accountant, firm, with_right, without_right
):
    document = DocumentFactory(client=with_right, original_name="kvitto mars.pdf")
    url = reverse("documents:download", args=[document.pk])
    own_user = UserFactory()
    ClientMembershipFactory(client=with_right, user=own_user)
    other_client_user = UserFactory()
    ClientMembershipFactory(client=without_right, user=other_client_user)
    colleague_without_right = AccountantFactory(firm_membership__firm=firm)
    other_firm_accountant = AccountantFactory()
    ClientRightFactory(accountant=other_firm_accountant, client=with_right)  # a stray right

    expected = {
        accountant: 200,
        own_user: 200,
        other_client_user: 404,
        colleague_without_right: 404,
        other_firm_accountant: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == tiny_pdf()
            assert response["Content-Type"] == "application/pdf"
            assert "attachment" in response["Content-Disposition"]


def test_accountants_of_another_firm_see_nothing_of_it(client, with_right):
    DocumentFactory(client=with_right, original_name="hemligt.pdf")
    client.force_login(AccountantFactory())

    page = client.get(reverse(LIST)).content.decode()

    assert "hemligt.pdf" not in page


def test_the_firm_list_needs_an_accountant(client, db):
    user = UserFactory()
    ClientMembershipFactory(user=user)
    client.force_login(user)

    assert client.get(reverse(LIST)).status_code == 403


def test_the_admin_lists_documents_without_a_query_per_row(client, db, django_assert_num_queries):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    DocumentFactory.create_batch(3)
    url = reverse("admin:documents_document_changelist")
    with django_assert_num_queries(9) as few:
        assert client.get(url).status_code == 200
    DocumentFactory.create_batch(10)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_client_is_found_by_a_search_not_picked_from_a_list(
    accountant, accountant_client, firm, with_right
):
    second = ClientCompanyFactory(firm=firm, name="Andra Bolaget AB", org_number="556677-8899")
    ClientRightFactory(accountant=accountant, client=second)
    DocumentFactory(client=with_right, original_name="ettan.pdf")
    DocumentFactory(client=second, original_name="tvaan.pdf")

    page = accountant_client.get(reverse(LIST)).content.decode()
    by_name = accountant_client.get(reverse(LIST), {"q": "andra bol"}).content.decode()
    by_number = accountant_client.get(reverse(LIST), {"q": "5566778899"}).content.decode()
    nothing = accountant_client.get(reverse(LIST), {"q": "finns inte"}).content.decode()

    assert '<select name="client"' not in page
    assert 'type="search" name="q"' in page
    assert "tvaan.pdf" in by_name and "ettan.pdf" not in by_name
    assert "tvaan.pdf" in by_number and "ettan.pdf" not in by_number
    assert "Inget underlag att visa." in nothing


def test_a_client_chosen_from_its_card_is_named_and_can_be_cleared(
    accountant_client, with_right, without_right
):
    DocumentFactory(client=with_right, original_name="ettan.pdf")

    page = accountant_client.get(reverse(LIST), {"client": with_right.pk}).content.decode()
    refused = accountant_client.get(reverse(LIST), {"client": without_right.pk})

    assert "Rätt Klient AB" in page and "Alla klienter" in page
    assert "ettan.pdf" in page
    # A client without a right is not a valid choice: the filter is ignored, nothing leaks.
    assert refused.status_code == 200
    assert without_right.name not in refused.content.decode()

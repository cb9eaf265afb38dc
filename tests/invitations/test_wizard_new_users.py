"""Step 2 of the wizard for new users, through HTTP, as a browser without JavaScript uses it:
the list of clients awaiting users, paging, searching, and the draft that keeps what was typed."""

import re

import pytest

from accounts.models import User
from invitations.models import Invitation, InvitationStatus
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
    administered_client,
)
from tests.invitations.wizard import (
    fields,
    granska,
    many_clients,
    page_text,
    review_url,
    rows_post,
    start,
)


def test_step_two_lists_the_firms_clients_without_users(accountant_client, accountant, firm):
    awaiting = administered_client(accountant, firm, name="Alfa Bygg AB")
    not_admin = ClientCompanyFactory(firm=firm, name="Beta Måleri AB")
    ClientRightFactory(accountant=accountant, client=not_admin, is_system_admin=False)
    no_right = ClientCompanyFactory(firm=firm, name="Gamma Frakt AB")
    has_users = administered_client(accountant, firm, name="Delta Data AB")
    ClientMembershipFactory(client=has_users)
    ClientCompanyFactory(name="Annan Byrås Klient AB")

    html = page_text(accountant_client.get(start(accountant_client)))

    assert "Alfa Bygg AB" in html and awaiting.org_number in html
    assert f'name="r{awaiting.pk}-full_name"' in html
    for label in ("Namn", "Användarens e-post", "Mobilnummer", "Användarnamn"):
        assert f">{label}" in html
    assert "Beta Måleri AB" in html and "Gamma Frakt AB" in html
    assert f'name="r{not_admin.pk}-full_name"' not in html
    assert f'name="r{no_right.pk}-full_name"' not in html
    assert html.count("Du måste vara systemadministratör på klienten") == 2
    assert "Delta Data AB" not in html
    assert "Annan Byrås Klient AB" not in html
    assert "av högst 50 markerade" in html


def test_search_by_name_or_organisation_number(accountant_client, accountant, firm):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB")
    administered_client(accountant, firm, name="Beta Måleri AB")
    step = start(accountant_client)

    by_name = page_text(accountant_client.get(step, {"q": "alfa"}))
    assert "Alfa Bygg AB" in by_name and "Beta Måleri AB" not in by_name
    by_number = page_text(accountant_client.get(step, {"q": alfa.org_number.replace("-", "")}))
    assert "Alfa Bygg AB" in by_number and "Beta Måleri AB" not in by_number


def test_filled_rows_survive_paging_and_searching(accountant_client, accountant, firm):
    clients = [administered_client(accountant, firm, name=f"Klient {n:02d} AB") for n in range(30)]
    step = start(accountant_client)

    response = accountant_client.post(
        step,
        rows_post(
            fields(clients[0], name="Åsa Öberg", email="asa@alfa.test"),
            action="",
            goto="2",
        ),
    )
    assert response.status_code == 302 and "sida=2" in response.url
    page_two = page_text(accountant_client.get(response.url))
    assert "Klient 29 AB" in page_two and "Klient 00 AB" not in page_two
    assert "<strong data-marked-count>1</strong>" in page_two

    response = accountant_client.post(step, rows_post(action="search", q="Klient 00"))
    searched = page_text(accountant_client.get(response.url))
    assert 'value="Åsa Öberg"' in searched and 'value="asa@alfa.test"' in searched

    marked_only = page_text(accountant_client.get(step, {"visa": "markerade"}))
    assert "Klient 00 AB" in marked_only and "Klient 01 AB" not in marked_only


def test_step_two_shows_exactly_25_clients_a_page(accountant_client, accountant, firm):
    clients = many_clients(accountant, firm, 51)
    step = start(accountant_client)

    def rows_on(page):
        html = page_text(accountant_client.get(step, {"sida": page}))
        return [int(pk) for pk in re.findall(r'name="r(\d+)-full_name"', html)]

    by_name = [client.pk for client in sorted(clients, key=lambda client: client.name)]
    assert rows_on(1) == by_name[:25]
    assert rows_on(2) == by_name[25:50]
    assert rows_on(3) == by_name[50:]


def test_a_language_chosen_before_typing_survives_paging(accountant_client, accountant, firm):
    clients = [administered_client(accountant, firm, name=f"Klient {n:02d} AB") for n in range(30)]
    step = start(accountant_client)
    accountant_client.post(
        step, rows_post(fields(clients[1], language="en", marked=False), action="", goto="2")
    )
    page_one = page_text(accountant_client.get(step))
    assert re.search(rf'name="r{clients[1].pk}-language".*?value="en" selected', page_one, re.S)
    assert "<strong data-marked-count>0</strong>" in page_one


def test_without_javascript_a_row_with_a_name_and_an_email_counts_as_marked(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    response = granska(
        accountant_client,
        step,
        fields(client, name="Åsa Öberg", email="asa@alfa.test", marked=False),
        marking="auto",
    )
    review = page_text(response)
    assert "asa.oberg" in review  # the server suggested the username


def test_an_unticked_row_is_left_out_when_javascript_keeps_the_boxes(
    accountant_client, accountant, firm
):
    kept = administered_client(accountant, firm)
    unticked = administered_client(accountant, firm)
    step = start(accountant_client)
    granska(
        accountant_client,
        step,
        fields(kept, name="Kalle Ek", email="kalle@ek.test"),
        fields(unticked, name="Lisa Al", email="lisa@al.test", marked=False),
    )
    accountant_client.post(review_url(step))
    assert User.objects.filter(email="kalle@ek.test").exists()
    assert not User.objects.filter(email="lisa@al.test").exists()


def test_a_row_that_is_not_a_client_id_is_ignored(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    data = rows_post(fields(client, name="Kalle Ek", email="k@ek.test"))
    huge = "9" * 30
    data["row"] += ["'; drop table", "-1", huge]
    data.update({f"r{huge}-marked": "1", f"r{huge}-full_name": "X", f"r{huge}-email": "x@y.test"})
    step = start(accountant_client)
    response = accountant_client.post(step, data)
    assert response.status_code == 302 and response.url == review_url(step)
    assert not User.objects.filter(email__in=["k@ek.test", "x@y.test"]).exists()

    review = page_text(accountant_client.get(response.url))
    assert "Kalle Ek" in review and "x@y.test" not in review
    accountant_client.post(review_url(step))
    (invitation,) = Invitation.objects.all()
    assert (invitation.client, invitation.user.email) == (client, "k@ek.test")
    assert invitation.status == InvitationStatus.PENDING
    assert not User.objects.filter(email="x@y.test").exists()


@pytest.mark.parametrize("count", [5, 500])
def test_step_two_costs_the_same_queries_for_5_and_500_clients(
    accountant_client, accountant, firm, count, django_assert_num_queries
):
    many_clients(accountant, firm, count, admin=lambda n: n % 3 > 0)
    step = start(accountant_client)
    # session, user, firm membership, count, page (a run with its draft is not finished)
    with django_assert_num_queries(5):
        response = accountant_client.get(step)
    assert response.status_code == 200


def test_enter_in_the_search_field_without_javascript_starts_a_new_search(
    accountant_client, accountant, firm
):
    administered_client(accountant, firm)
    step = start(accountant_client)
    # Enter presses the form's first button ("save") with the new text in the field.
    response = accountant_client.post(
        step, rows_post(action="save", q="Alfa", current_q="", sida="3")
    )
    assert response.url == f"{step}?q=Alfa"
    # Without a new search text, the same button keeps the page.
    response = accountant_client.post(
        step, rows_post(action="save", q="Alfa", current_q="Alfa", sida="3")
    )
    assert response.url == f"{step}?q=Alfa&sida=3"

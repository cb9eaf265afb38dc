"""The "Bjud in klientanvändare" wizard through HTTP, as a browser without JavaScript uses it."""

import re
import uuid

import pytest
from django.urls import reverse

from accounts.models import User
from clients.models import ClientCompany, ClientRight
from invitations.delivery.messages import invitation_email, invitation_sms
from invitations.models import Channel, Delivery, Invitation, InvitationBatch
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, valid_org_number
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)

WIZARD = "/inbjudningar/bjud-in/"


def administered_client(accountant, firm, **kwargs):
    client = ClientCompanyFactory(firm=firm, **kwargs)
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=True)
    return client


def start(http, choice="new_users") -> str:
    """Step 1 → the URL of step 2."""
    response = http.post(WIZARD, {"choice": choice})
    assert response.status_code == 302
    return response.url


def key_of(step_url: str) -> uuid.UUID:
    return uuid.UUID(re.search(r"bjud-in/([0-9a-f-]{36})/", step_url).group(1))


def fields(
    client, *, name="", email="", mobile="", username="", language=None, marked=True
) -> dict:
    data = {
        "row": [str(client.pk)],
        f"r{client.pk}-full_name": name,
        f"r{client.pk}-email": email,
        f"r{client.pk}-mobile": mobile,
        f"r{client.pk}-username": username,
    }
    if language is not None:  # None: a post without the select, as before the column
        data[f"r{client.pk}-language"] = language
    if marked:
        data[f"r{client.pk}-marked"] = "1"
    return data


def rows_post(*rows, action="review", marking="manual", **extra) -> dict:
    data = {"action": action, "marking": marking, "row": [], **extra}
    for row in rows:
        for key, value in row.items():
            if key == "row":
                data["row"] += value
            else:
                data[key] = value
    return data


def submit(http, step_url, *rows):
    """Posts the rows with "Granska", then "Skapa och bjud in användare" on the review."""
    response = http.post(step_url, rows_post(*rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    return http.post(response.url)


def page_text(response) -> str:
    return response.content.decode()


# --- Step 1 ----------------------------------------------------------------------------------


def test_step_one_offers_both_choices_with_new_users_preselected(accountant_client):
    response = accountant_client.get(WIZARD)
    html = page_text(response)
    assert "Lägg till nya användare och bjud in dem" in html
    assert "Bjud in befintliga användare" in html
    assert re.search(r'value="new_users"[^>]*checked', html)
    assert ">Nästa<" in html


def test_next_leads_to_the_chosen_step(accountant_client):
    assert re.search(r"/bjud-in/[0-9a-f-]{36}/nya/$", start(accountant_client))
    assert re.search(
        r"/bjud-in/[0-9a-f-]{36}/befintliga/$", start(accountant_client, "existing_users")
    )


def test_client_users_cannot_open_the_wizard(client, db):
    client.force_login(UserFactory())
    assert client.get(WIZARD).status_code == 403


# --- Step 2: the list ----------------------------------------------------------------------


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
    response = accountant_client.post(
        step,
        rows_post(
            fields(client, name="Åsa Öberg", email="asa@alfa.test", marked=False), marking="auto"
        ),
    )
    assert response.url.endswith("/granska/")
    review = page_text(accountant_client.get(response.url))
    assert "asa.oberg" in review  # the server suggested the username


def test_an_unticked_row_is_left_out_when_javascript_keeps_the_boxes(
    accountant_client, accountant, firm
):
    kept = administered_client(accountant, firm)
    unticked = administered_client(accountant, firm)
    step = start(accountant_client)
    response = accountant_client.post(
        step,
        rows_post(
            fields(kept, name="Kalle Ek", email="kalle@ek.test"),
            fields(unticked, name="Lisa Al", email="lisa@al.test", marked=False),
        ),
    )
    accountant_client.post(response.url)
    assert User.objects.filter(email="kalle@ek.test").exists()
    assert not User.objects.filter(email="lisa@al.test").exists()


# --- The whole way through -------------------------------------------------------------------


def test_three_users_are_created_invited_and_shown_on_the_result_page(
    accountant_client, accountant, firm
):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB")
    beta = administered_client(accountant, firm, name="Beta Måleri AB")
    gamma = administered_client(accountant, firm, name="Gamma Frakt AB")
    UserFactory(username="asa.oberg")
    step = start(accountant_client)

    response = accountant_client.post(
        step,
        rows_post(
            fields(alfa, name="Åsa Öberg", email="asa@alfa.test", mobile="070-123 45 67"),
            fields(beta, name="Søren Ærø", email="soren@beta.test", mobile="+46 73 987 65 43"),
            fields(gamma, name="Łukasz Nowak", email="lukasz@gamma.test", username="Lukasz.N"),
        ),
    )
    assert response.url.endswith("/granska/")
    review = page_text(accountant_client.get(response.url))
    assert "asa.oberg2" in review and "soren.aero" in review and "lukasz.n" in review
    assert "+46 70 123 45 67" in review  # the number as it will be stored
    assert "Skapa och bjud in användare" in review

    response = accountant_client.post(response.url)
    batch = InvitationBatch.objects.get(submission_key=key_of(step))
    assert response.status_code == 302
    assert response.url == reverse("invitations:batch_result", kwargs={"pk": batch.pk})

    result = page_text(accountant_client.get(response.url))
    assert "3 användare skapade och inbjudna" in result
    for text in ("Åsa Öberg", "asa.oberg2", "Alfa Bygg AB", "Søren Ærø", "Gamma Frakt AB"):
        assert text in result
    assert result.count(">SMS<") == 2 and result.count(">E-post<") >= 3
    assert f'href="{reverse("invitations:overview")}"' in result

    asa = User.objects.get(email="asa@alfa.test")
    assert str(asa.mobile) == "+46701234567"
    assert str(User.objects.get(email="soren@beta.test").mobile) == "+46739876543"
    assert asa.client_memberships.get().client == alfa
    assert Invitation.objects.filter(batch=batch).count() == 3
    assert Delivery.objects.filter(invitation__batch=batch).count() == 5


def test_a_reload_a_second_click_or_the_back_button_creates_nothing_more(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    row = fields(client, name="Kalle Ek", email="kalle@ek.test")
    response = accountant_client.post(step, rows_post(row))
    review_url = response.url
    first = accountant_client.post(review_url)

    second = accountant_client.post(review_url)  # double click / resubmitted form
    back_to_review = accountant_client.get(review_url)
    back_to_step = accountant_client.post(step, rows_post(row))

    for response in (second, back_to_review, back_to_step):
        assert response.status_code == 302 and response.url == first.url
    assert User.objects.filter(email="kalle@ek.test").count() == 1
    assert InvitationBatch.objects.count() == 1


def test_two_runs_in_two_tabs_keep_their_own_drafts(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    first, second = start(accountant_client), start(accountant_client)
    accountant_client.post(
        first, rows_post(fields(client, name="Kalle Ek", email="k@ek.test"), action="")
    )
    assert 'value="Kalle Ek"' in page_text(accountant_client.get(first))
    assert 'value="Kalle Ek"' not in page_text(accountant_client.get(second))


def test_an_unknown_run_goes_back_to_step_one(accountant_client):
    response = accountant_client.get(f"{WIZARD}{uuid.uuid4()}/nya/")
    assert response.status_code == 302 and response.url == WIZARD


def test_another_firms_batch_is_not_shown(accountant_client, db):
    from tests.invitations.factories import InvitationBatchFactory

    batch = InvitationBatchFactory()
    assert accountant_client.get(f"/inbjudningar/omgang/{batch.pk}/").status_code == 404


# --- Validation ------------------------------------------------------------------------------


def test_each_row_has_its_language_swedish_by_default_and_the_invitation_speaks_it(
    accountant_client, accountant, firm
):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB")
    beta = administered_client(accountant, firm, name="Beta Måleri AB")
    step = start(accountant_client)

    page = page_text(accountant_client.get(step))
    select = re.search(rf'<select name="r{alfa.pk}-language".*?</select>', page, re.S).group(0)
    assert '<option value="sv">Svenska</option>' in select
    assert '<option value="en">Engelska</option>' in select

    response = accountant_client.post(
        step,
        rows_post(
            fields(alfa, name="Åsa Öberg", email="asa@alfa.test", mobile="0701234567"),
            fields(
                beta, name="John Smith", email="john@beta.test", mobile="0731234567", language="en"
            ),
        ),
    )
    review = page_text(accountant_client.get(response.url))
    assert re.search(r"asa\.oberg</span></td>\s*<td>Svenska</td>", review)
    assert re.search(r"john\.smith</span></td>\s*<td>Engelska</td>", review)

    # "Ändra" shows the choice again.
    marked = page_text(accountant_client.get(f"{step}?visa=markerade"))
    assert re.search(rf'name="r{beta.pk}-language".*?<option value="en" selected>', marked, re.S)

    result = page_text(accountant_client.post(response.url, follow=True))
    assert result.count("<td>Engelska</td>") == 1 and result.count("<td>Svenska</td>") == 1

    john = User.objects.get(email="john@beta.test")
    assert john.language == "en"
    assert User.objects.get(email="asa@alfa.test").language == "sv"
    email = invitation_email(Delivery.objects.get(invitation__user=john, channel=Channel.EMAIL))
    assert email.subject == f"{firm.name} has invited you to Byråportalen"
    assert '<html lang="en">' in email.alternatives[0].content
    sms = invitation_sms(Delivery.objects.get(invitation__user=john, channel=Channel.SMS))
    assert sms.body.startswith(f"{firm.name} has invited you to Byråportalen.")
    swedish = User.objects.get(email="asa@alfa.test")
    sms = invitation_sms(Delivery.objects.get(invitation__user=swedish, channel=Channel.SMS))
    assert sms.body.startswith(f"{firm.name} har bjudit in dig till Byråportalen.")


def test_without_javascript_the_language_is_kept(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    row = fields(client, name="John Smith", email="john@k.test", language="en", marked=False)
    review_url = accountant_client.post(step, rows_post(row, marking="auto")).url
    accountant_client.post(review_url)
    assert User.objects.get(email="john@k.test").language == "en"


def refused(http, step_url, *rows):
    """Posts the rows for review; asserts the page came back with errors and nothing exists."""
    users_before = User.objects.count()
    response = http.post(step_url, rows_post(*rows))
    assert response.status_code == 200
    assert User.objects.count() == users_before
    assert not InvitationBatch.objects.exists()
    return page_text(response)


def assert_field_error(html, client, field, message):
    """The input is marked invalid, the message is next to it, the summary links to it."""
    field_id = f"r{client.pk}-{field}"
    if field == "client":
        assert re.search(rf'id="{field_id}">[^<]*{re.escape(message)}', html), html
    else:
        assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html), field_id
        assert re.search(rf'id="{field_id}-error">[^<]*{re.escape(message)}', html), message
    assert f'href="#{field_id}"' in html
    assert 'class="error-summary"' in html


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "", "email": "a@b.test"}, "full_name", "Ange användarens namn."),
        ({"name": "Kalle Ek", "email": ""}, "email", "Ange användarens e-postadress."),
        ({"name": "Kalle Ek", "email": "kalle@"}, "email", "Ange en giltig e-postadress"),
        (
            {"name": "Kalle Ek", "email": "k@ek.test", "mobile": "08-123 456 78"},
            "mobile",
            "Numret är inte ett mobilnummer",
        ),
        (
            {"name": "Kalle Ek", "email": "k@ek.test", "mobile": "0701"},
            "mobile",
            "Ange ett giltigt mobilnummer, t.ex. 070-123 45 67",
        ),
        (
            {"name": "Kalle Ek", "email": "k@ek.test", "username": "kalle ek"},
            "username",
            "bara innehålla bokstäverna a–z, siffror och tecknen",
        ),
    ],
)
def test_each_row_field_is_checked(accountant_client, accountant, firm, values, field, message):
    client = administered_client(accountant, firm)
    html = refused(accountant_client, start(accountant_client), fields(client, **values))
    assert_field_error(html, client, field, message)


@pytest.mark.parametrize("language", ["de", "english", "x" * 300])
def test_a_tampered_language_is_refused_on_its_row(accountant_client, accountant, firm, language):
    client = administered_client(accountant, firm)
    other = administered_client(accountant, firm)
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(client, name="Kalle Ek", email="k@ek.test", language=language),
        fields(other, name="Lena Ek", email="l@ek.test", language="en"),
    )
    assert_field_error(html, client, "language", "Välj svenska eller engelska som språk.")
    assert f'id="r{other.pk}-language-error"' not in html


def test_an_email_of_an_existing_user_points_to_inviting_existing_users(
    accountant_client, accountant, firm
):
    UserFactory(email="kalle@ek.test")
    client = administered_client(accountant, firm)
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(client, name="Kalle Ek", email="Kalle@EK.test"),
    )
    assert_field_error(html, client, "email", "Det finns redan en användare")
    assert "Bjud in befintliga användare" in html


def test_a_taken_username_is_refused(accountant_client, accountant, firm):
    UserFactory(username="kalle")
    client = administered_client(accountant, firm)
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(client, name="Kalle Ek", email="k@ek.test", username="KALLE"),
    )
    assert_field_error(html, client, "username", "Användarnamnet är upptaget")


def test_the_same_email_or_username_twice_in_a_batch_is_refused(
    accountant_client, accountant, firm
):
    a = administered_client(accountant, firm, name="A AB")
    b = administered_client(accountant, firm, name="B AB")
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(a, name="Kalle Ek", email="kalle@ek.test", username="kalle"),
        fields(b, name="Kalle Ek", email="KALLE@ek.test", username="kalle"),
    )
    assert_field_error(html, b, "email", "Samma e-postadress står på en annan rad.")
    assert_field_error(html, b, "username", "Samma användarnamn står på en annan rad.")


def test_fifty_one_marked_rows_are_refused_and_nothing_is_created(
    accountant_client, accountant, firm
):
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(firm=firm, name=f"Klient {n:02d} AB", org_number=valid_org_number(n))
        for n in range(51)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=c, is_system_admin=True) for c in clients
    )
    rows = [fields(c, name=f"Person {n}", email=f"p{n}@k.test") for n, c in enumerate(clients)]
    html = refused(accountant_client, start(accountant_client), *rows)
    assert "Du har markerat 51 rader. Högst 50 användare kan bjudas in åt gången" in html
    assert 'href="#marked-counter"' in html


def test_fifty_rows_are_accepted(accountant_client, accountant, firm):
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(firm=firm, name=f"Klient {n:02d} AB", org_number=valid_org_number(n))
        for n in range(50)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=c, is_system_admin=True) for c in clients
    )
    rows = [fields(c, name=f"Person {n}", email=f"p{n}@k.test") for n, c in enumerate(clients)]
    response = submit(accountant_client, start(accountant_client), *rows)
    assert response.status_code == 302
    assert Invitation.objects.count() == 50


# --- Tampered posts --------------------------------------------------------------------------


def test_a_client_of_another_firm_is_refused(accountant_client, accountant, firm):
    other = ClientCompanyFactory()
    ClientRightFactory(accountant=accountant, client=other)
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(other, name="Kalle Ek", email="k@ek.test"),
    )
    assert_field_error(html, other, "client", "Klienten finns inte hos byrån.")
    assert other.name not in html


def test_a_client_where_the_accountant_is_not_system_admin_is_refused(
    accountant_client, accountant, firm
):
    client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=False)
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(client, name="Kalle Ek", email="k@ek.test"),
    )
    assert_field_error(html, client, "client", "Du måste vara systemadministratör på klienten")


def test_a_client_that_got_users_since_the_page_was_shown_is_refused_at_submit(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    response = accountant_client.post(
        step, rows_post(fields(client, name="Kalle Ek", email="k@ek.test"))
    )
    ClientMembershipFactory(client=client)  # another accountant was quicker

    response = accountant_client.post(response.url)

    assert response.status_code == 200
    html = page_text(response)
    assert_field_error(html, client, "client", "Klienten har fått användare")
    assert not User.objects.filter(email="k@ek.test").exists()
    # Shown at the review's address, the form still posts to step 2, never to the submit.
    assert f'action="{step}"' in html


def test_a_row_that_is_not_a_client_id_is_ignored(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    data = rows_post(fields(client, name="Kalle Ek", email="k@ek.test"))
    huge = "9" * 30
    data["row"] += ["'; drop table", "-1", huge]
    data.update({f"r{huge}-marked": "1", f"r{huge}-full_name": "X", f"r{huge}-email": "x@y.test"})
    response = accountant_client.post(start(accountant_client), data)
    assert response.status_code == 302


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 500])
def test_step_two_costs_the_same_queries_for_5_and_500_clients(
    accountant_client, accountant, firm, count, django_assert_num_queries
):
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(firm=firm, name=f"Klient {n:03d} AB", org_number=valid_org_number(n))
        for n in range(count)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=c, is_system_admin=n % 3 > 0)
        for n, c in enumerate(clients)
    )
    step = start(accountant_client)
    # session, user, firm membership, finished batch?, count, page
    with django_assert_num_queries(6):
        response = accountant_client.get(step)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_submit_costs_the_same_queries_for_1_and_20_rows(
    accountant_client, accountant, firm, count, django_assert_num_queries
):
    clients = [administered_client(accountant, firm) for _ in range(count)]
    step = start(accountant_client)
    rows = [
        fields(
            c,
            name=f"Person Nummer {n}",
            email=f"p{n}@k.test",
            mobile="0701234567",
            language=("sv", "en")[n % 2],
        )
        for n, c in enumerate(clients)
    ]
    review_url = accountant_client.post(step, rows_post(*rows)).url
    # The request (session, user, firm, finished batch?), the whole-batch check before the
    # service (usernames to suggest, clients, e-mails, usernames), the service's 13 (see
    # test_invite_services) and the session's update.
    with django_assert_num_queries(24):
        response = accountant_client.post(review_url)
    assert response.status_code == 302
    assert Invitation.objects.count() == count


# --- Existing users --------------------------------------------------------------------------


def test_existing_users_who_never_accepted_are_listed_and_invited(
    accountant_client, accountant, firm
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.invitations.factories import InvitationFactory

    client = administered_client(accountant, firm, name="Alfa Bygg AB")
    never = ClientMembershipFactory(
        user__password=None, client=client, user__full_name="Nils Aldrig"
    ).user
    lapsed = ClientMembershipFactory(
        user__password=None, client=client, user__full_name="Lena Utgången"
    ).user
    InvitationFactory(user=lapsed, client=client, expires_at=timezone.now() - timedelta(days=2))
    waiting = ClientMembershipFactory(
        user__password=None, client=client, user__full_name="Vera Väntar"
    ).user
    InvitationFactory(user=waiting, client=client)
    step = start(accountant_client, "existing_users")

    html = page_text(accountant_client.get(step))
    assert "Nils Aldrig" in html and "Aldrig inbjuden" in html
    assert "Lena Utgången" in html and "Utgången" in html
    assert "Vera Väntar" not in html

    response = accountant_client.post(
        step,
        {"action": "invite", "visible": [never.pk, lapsed.pk], "user": [never.pk, lapsed.pk]},
    )
    assert response.status_code == 302
    result = page_text(accountant_client.get(response.url))
    assert "2 användare inbjudna" in result
    assert "Nils Aldrig" in result and "Lena Utgången" in result
    assert Invitation.objects.filter(user=lapsed, status="pending").count() == 1
    assert Invitation.objects.get(user=never).invited_by == accountant


def test_existing_users_selection_survives_paging(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    users = [
        ClientMembershipFactory(
            user__password=None, client=client, user__full_name=f"Person {n:02d}"
        ).user
        for n in range(30)
    ]
    step = start(accountant_client, "existing_users")
    accountant_client.post(
        step, {"visible": [u.pk for u in users[:25]], "user": [users[0].pk], "goto": "2"}
    )
    accountant_client.post(
        step, {"visible": [u.pk for u in users[25:]], "user": [users[29].pk], "goto": "1"}
    )
    response = accountant_client.post(step, {"action": "invite", "visible": [], "user": []})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user", flat=True)) == {users[0].pk, users[29].pk}


def test_existing_users_tampered_or_too_many_are_refused(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    users = [ClientMembershipFactory(user__password=None, client=client).user for _ in range(51)]
    stranger = ClientMembershipFactory(
        user__password=None, user__full_name="Främling Annanbyrå"
    ).user
    colleague = AccountantFactory(firm_membership__firm=firm)
    step = start(accountant_client, "existing_users")

    ids = [u.pk for u in users]
    response = accountant_client.post(step, {"action": "invite", "visible": ids, "user": ids})
    assert response.status_code == 200
    assert "Du har markerat 51 rader" in page_text(response)

    response = accountant_client.post(
        step,
        {
            "action": "invite",
            "visible": ids + [stranger.pk, colleague.pk, "9" * 30, "x"],
            "user": [users[0].pk, stranger.pk, colleague.pk],
        },
    )
    assert response.status_code == 200
    html = page_text(response)
    assert "Användaren kan inte bjudas in av dig" in html
    assert "Främling Annanbyrå" not in html  # another firm's user is not named
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("count", [5, 500])
def test_existing_users_step_costs_the_same_queries_for_5_and_500_users(
    accountant_client, accountant, firm, count, django_assert_num_queries
):
    from clients.models import ClientMembership

    client = administered_client(accountant, firm)
    users = User.objects.bulk_create(
        User(
            username=f"person{n}",
            email=f"p{n}@k.test",
            full_name=f"Person {n:03d}",
            password="!unusable",
        )
        for n in range(count)
    )
    ClientMembership.objects.bulk_create(ClientMembership(client=client, user=u) for u in users)
    step = start(accountant_client, "existing_users")
    # session, user, firm membership, finished batch?, count, page
    with django_assert_num_queries(6):
        response = accountant_client.get(step)
    assert "Person 000" in page_text(response)


def test_an_unknown_choice_shows_step_one_again(accountant_client):
    response = accountant_client.post(WIZARD, {"choice": "something-else"})
    assert response.status_code == 200
    assert "Välj ett av alternativen." in page_text(response)


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

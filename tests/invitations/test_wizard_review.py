"""Step 3 of the wizard for new users, through HTTP: "Granska" shows the batch as it will be
written, or step 2 with every error of the batch; "Skapa och bjud in användare" writes it."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from invitations.delivery.messages import invitation_email, invitation_sms
from invitations.models import Channel, Delivery, Invitation, InvitationBatch
from tests.accounts.factories import UserFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
    administered_client,
)
from tests.invitations.wizard import (
    assert_field_error,
    fields,
    granska,
    key_of,
    many_clients,
    page_text,
    refused,
    review_url,
    rows_post,
    start,
    submit,
)


def test_three_users_are_created_invited_and_shown_on_the_result_page(
    accountant_client, accountant, firm
):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB")
    beta = administered_client(accountant, firm, name="Beta Måleri AB")
    gamma = administered_client(accountant, firm, name="Gamma Frakt AB")
    UserFactory(username="asa.oberg")
    step = start(accountant_client)

    response = granska(
        accountant_client,
        step,
        fields(alfa, name="Åsa Öberg", email="asa@alfa.test", mobile="070-123 45 67"),
        fields(beta, name="Søren Ærø", email="soren@beta.test", mobile="+46 73 987 65 43"),
        fields(gamma, name="Łukasz Nowak", email="lukasz@gamma.test", username="Lukasz.N"),
    )
    # One request from "Granska" to the review, at the review's own address.
    assert response.status_code == 200
    review = page_text(response)
    assert "asa.oberg2" in review and "soren.aero" in review and "lukasz.n" in review
    assert "+46 70 123 45 67" in review  # the number as it will be stored
    assert "Skapa och bjud in användare" in review
    assert f'action="{review_url(step)}"' in review
    reloaded = page_text(accountant_client.get(review_url(step)))  # a reload: the same rows

    def table(html):
        return re.search(r"<tbody>.*</tbody>", html, re.S).group(0)

    assert table(reloaded) == table(review)

    response = accountant_client.post(review_url(step))
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
    granska(accountant_client, step, row)
    first = accountant_client.post(review_url(step))

    second = accountant_client.post(review_url(step))  # double click / resubmitted form
    back_to_review = accountant_client.get(review_url(step))
    again = granska(accountant_client, step, row)  # the browser re-posting "Granska"
    back_to_step = accountant_client.post(step, rows_post(row, action="save"))

    for response in (second, back_to_review, again, back_to_step):
        assert response.status_code == 302 and response.url == first.url
    assert User.objects.filter(email="kalle@ek.test").count() == 1
    assert InvitationBatch.objects.count() == 1


def test_another_firms_batch_is_not_shown(accountant_client, db):
    from tests.invitations.factories import InvitationBatchFactory

    batch = InvitationBatchFactory()
    assert accountant_client.get(f"/inbjudningar/omgang/{batch.pk}/").status_code == 404


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

    response = granska(
        accountant_client,
        step,
        fields(alfa, name="Åsa Öberg", email="asa@alfa.test", mobile="0701234567"),
        fields(beta, name="John Smith", email="john@beta.test", mobile="0731234567", language="en"),
    )
    review = page_text(response)
    assert re.search(r"asa\.oberg</span></td>\s*<td>Svenska</td>", review)
    assert re.search(r"john\.smith</span></td>\s*<td>Engelska</td>", review)

    # "Ändra" shows the choice again.
    marked = page_text(accountant_client.get(f"{step}?visa=markerade"))
    assert re.search(rf'name="r{beta.pk}-language".*?<option value="en" selected>', marked, re.S)

    result = page_text(accountant_client.post(review_url(step), follow=True))
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
    granska(accountant_client, step, row, marking="auto")
    accountant_client.post(review_url(step))
    assert User.objects.get(email="john@k.test").language == "en"


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
    clients = many_clients(accountant, firm, 51)
    rows = [fields(c, name=f"Person {n}", email=f"p{n}@k.test") for n, c in enumerate(clients)]
    html = refused(accountant_client, start(accountant_client), *rows)
    assert "Du har markerat 51 rader. Högst 50 användare kan bjudas in åt gången." in html
    assert "Avmarkera 1 rad och försök igen." in html
    assert 'href="#marked-counter"' in html


def test_fifty_rows_are_accepted(accountant_client, accountant, firm):
    clients = many_clients(accountant, firm, 50)
    rows = [fields(c, name=f"Person {n}", email=f"p{n}@k.test") for n, c in enumerate(clients)]
    response = submit(accountant_client, start(accountant_client), *rows)
    batch = InvitationBatch.objects.get()
    assert response.url == reverse("invitations:batch_result", kwargs={"pk": batch.pk})
    invitations = Invitation.objects.filter(batch=batch)
    assert {(i.client_id, i.user.email) for i in invitations} == {
        (c.pk, f"p{n}@k.test") for n, c in enumerate(clients)
    }
    assert set(invitations.values_list("status", flat=True)) == {"pending"}
    assert not User.objects.filter(email__endswith="@k.test", is_active=True).exists()
    assert Delivery.objects.filter(invitation__batch=batch, channel=Channel.EMAIL).count() == 50


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
    granska(accountant_client, step, fields(client, name="Kalle Ek", email="k@ek.test"))
    ClientMembershipFactory(client=client)  # another accountant was quicker

    response = accountant_client.post(review_url(step))

    assert response.status_code == 200
    html = page_text(response)
    assert_field_error(html, client, "client", "Klienten har fått användare")
    assert not User.objects.filter(email="k@ek.test").exists()
    # Shown at the review's address, the form still posts to step 2, never to the submit.
    assert f'action="{step}"' in html


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
    granska(accountant_client, step, *rows)
    # The request (session, user, firm; a run with its draft is not finished), the
    # service's 10 (see test_invite_services: it checks the rules under lock, so the submit
    # does not check them before) and the session's update (savepoint, update, release).
    with django_assert_num_queries(16):
        response = accountant_client.post(review_url(step))
    assert response.status_code == 302
    assert Invitation.objects.count() == count


def test_every_error_of_the_batch_is_named_at_the_first_granska(
    accountant_client, accountant, firm
):
    """A duplicate e-mail was named only once the other errors were fixed; now at once."""
    a = administered_client(accountant, firm, name="A AB")
    b = administered_client(accountant, firm, name="B AB")
    c = administered_client(accountant, firm, name="C AB")
    UserFactory(email="taken@k.test")
    html = refused(
        accountant_client,
        start(accountant_client),
        fields(a, name="Kalle Ek", email="kalle@ek.test", mobile="08-123 456 78"),
        fields(b, name="Lena Ek", email="same@ek.test"),
        fields(c, name="Olle Ek", email="SAME@ek.test"),
        fields(administered_client(accountant, firm, name="D AB"), name="D", email="taken@k.test"),
    )
    assert_field_error(html, a, "mobile", "Numret är inte ett mobilnummer")
    assert_field_error(html, b, "email", "Samma e-postadress står på en annan rad.")
    assert_field_error(html, c, "email", "Samma e-postadress står på en annan rad.")
    assert "Det finns redan en användare med den här e-postadressen" in html


def test_fifty_two_rows_name_the_rows_errors_too(accountant_client, accountant, firm):
    clients = many_clients(accountant, firm, 52)
    rows = [fields(c, name=f"Person {n}", email=f"p{n}@k.test") for n, c in enumerate(clients)]
    rows[3] = fields(clients[3], name="Person 3", email="p0@k.test")
    html = refused(accountant_client, start(accountant_client), *rows)
    assert "Avmarkera 2 rader och försök igen." in html
    assert_field_error(html, clients[3], "email", "Samma e-postadress står på en annan rad.")


def test_the_review_says_when_and_why_a_suggested_username_changed(
    accountant_client, accountant, firm
):
    UserFactory(username="asa.oberg")
    a = administered_client(accountant, firm, name="A AB")
    b = administered_client(accountant, firm, name="B AB")
    c = administered_client(accountant, firm, name="C AB")
    step = start(accountant_client)
    rows = [
        # The page suggested asa.oberg and asa.oberg2; an existing user has asa.oberg.
        fields(a, name="Åsa Öberg", email="a@k.test", username="asa.oberg"),
        fields(b, name="Åsa Öberg", email="b@k.test", username="asa.oberg2"),
        # Another page suggested bo.berg for two rows it could not see together.
        fields(c, name="Bo Berg", email="c@k.test", username="bo.berg"),
        fields(
            administered_client(accountant, firm, name="D AB"),
            name="Bo Berg",
            email="d@k.test",
            username="bo.berg",
        ),
    ]
    # The suggestions were the page's own (the script marks them so), not typed by hand.
    data = {f"r{row['row'][0]}-username_auto": "1" for row in rows}
    response = granska(accountant_client, step, *rows, **data)
    review = page_text(response)
    assert "Skapa och bjud in användare" in review
    assert "asa.oberg finns redan, så användaren får" in review
    assert "bo.berg står redan på en annan rad, så användaren får bo.berg2." in review
    # asa.oberg2 was free and shown: it is kept, not renumbered.
    assert review.count("ändrat från") == 2
    accountant_client.post(review_url(step))
    assert User.objects.get(email="b@k.test").username == "asa.oberg2"
    assert User.objects.get(email="a@k.test").username == "asa.oberg3"

"""The wizard for existing users, through HTTP: client users who never accepted, selected on
step 2, reviewed on step 3, invited by "Skicka inbjudningar"."""

import pytest

from accounts.models import User
from invitations.models import Invitation
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientMembershipFactory, administered_client
from tests.invitations.wizard import page_text, start


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
        {"action": "review", "visible": [never.pk, lapsed.pk], "user": [never.pk, lapsed.pk]},
    )
    assert response.status_code == 302 and response.url == review_url(step)
    review = page_text(accountant_client.get(response.url))
    assert "Nils Aldrig" in review and "Lena Utgången" in review and "Vera Väntar" not in review
    assert "Skicka inbjudningar" in review
    assert not Invitation.objects.filter(user=never).exists()  # the review sends nothing

    response = accountant_client.post(review_url(step))
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
    accountant_client.post(step, {"action": "review", "visible": [], "user": []})
    response = accountant_client.post(review_url(step))
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user", "status")) == {
        (users[0].pk, "pending"),
        (users[29].pk, "pending"),
    }


def test_existing_users_tampered_or_too_many_are_refused(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    users = [ClientMembershipFactory(user__password=None, client=client).user for _ in range(51)]
    stranger = ClientMembershipFactory(
        user__password=None, user__full_name="Främling Annanbyrå"
    ).user
    colleague = AccountantFactory(firm_membership__firm=firm)
    step = start(accountant_client, "existing_users")

    ids = [u.pk for u in users]
    response = accountant_client.post(
        step, {"action": "review", "visible": ids, "user": ids}, follow=True
    )
    assert response.status_code == 200
    assert "Du har markerat 51 rader" in page_text(response)

    response = accountant_client.post(
        step,
        {
            "action": "review",
            "visible": ids + [stranger.pk, colleague.pk, "9" * 30, "x"],
            "user": [users[0].pk, stranger.pk, colleague.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    html = page_text(response)
    assert "Användaren kan inte bjudas in av dig" in html
    assert "Främling Annanbyrå" not in html  # another firm's user is not named
    # A post straight to the review's address checks the same (the refused were unticked).
    assert accountant_client.post(review_url(step)).status_code == 302
    assert list(Invitation.objects.values_list("user", "status")) == [(users[0].pk, "pending")]


def review_url(step_url: str) -> str:
    return f"{step_url}granska/"


def test_existing_users_go_back_to_step_one_and_on_with_the_same_selection(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    user = ClientMembershipFactory(user__password=None, client=client).user
    step = start(accountant_client, "existing_users")
    response = accountant_client.post(
        step, {"action": "back", "visible": [user.pk], "user": [user.pk]}
    )
    assert response.status_code == 302 and "utkast=" in response.url
    step_one = page_text(accountant_client.get(response.url))
    assert 'name="utkast"' in step_one
    key = response.url.split("utkast=")[1]
    response = accountant_client.post(
        "/inbjudningar/bjud-in/", {"choice": "existing_users", "utkast": key}
    )
    assert response.url == step
    assert "<strong data-marked-count>1</strong>" in page_text(accountant_client.get(step))


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
    # session, user, firm membership, count, page (a run with its draft is not finished)
    with django_assert_num_queries(5):
        response = accountant_client.get(step)
    assert "Person 000" in page_text(response)

"""The submit writes the rows as the review cleaned them, and only while they are unchanged
(issue 11: the submit does not parse or check the batch a second time)."""

import pytest

from accounts.models import User
from invitations.drafts import SESSION_KEY
from invitations.models import Invitation, InvitationBatch
from tests.clients.factories import administered_client

from .wizard import fields, granska, key_of, page_text, review_url, start

pytestmark = pytest.mark.django_db


def _change_draft_row(http, step, client, **values):
    """What another tab of the same session could have done to the draft since the review."""
    session = http.session
    drafts = session[SESSION_KEY]
    drafts[str(key_of(step))]["rows"][str(client.pk)].update(values)
    session[SESSION_KEY] = drafts
    session.save()


def test_the_submit_writes_the_rows_as_the_review_showed_them(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    review = granska(
        accountant_client, step, fields(client, name="  Åsa Öberg ", email="Asa@Kund.test")
    )
    assert "asa.oberg" in page_text(review)

    response = accountant_client.post(review_url(step))

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.client, invitation.status) == (client, "pending")
    user = invitation.user
    assert (user.full_name, user.username) == ("Åsa Öberg", "asa.oberg")
    assert user.email.lower() == "asa@kund.test"
    assert not user.is_active and not user.has_usable_password()


def test_a_row_changed_after_the_review_is_checked_again_and_refused(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    granska(accountant_client, step, fields(client, name="Åsa Öberg", email="asa@kund.test"))
    _change_draft_row(accountant_client, step, client, email="inte en adress")

    response = accountant_client.post(review_url(step))

    assert response.status_code == 200
    assert 'class="error-summary"' in page_text(response)
    assert not User.objects.filter(full_name="Åsa Öberg").exists()
    assert not InvitationBatch.objects.exists()


def test_a_rule_broken_after_the_review_is_still_refused_by_the_service(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    granska(accountant_client, step, fields(client, name="Åsa Öberg", email="asa@kund.test"))
    User.objects.create(username="someone", email="ASA@kund.test")  # taken meanwhile

    response = accountant_client.post(review_url(step))

    assert response.status_code == 200
    assert "Det finns redan en användare med den här e-postadressen" in page_text(response)
    assert not InvitationBatch.objects.exists()

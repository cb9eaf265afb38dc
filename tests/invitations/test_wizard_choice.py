"""Step 1 of the wizard, through HTTP: new or existing users, and the run it starts."""

import re
import uuid

from tests.accounts.factories import UserFactory
from tests.invitations.wizard import (
    WIZARD,
    administered_client,
    fields,
    page_text,
    rows_post,
    start,
)


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


def test_an_unknown_choice_shows_step_one_again(accountant_client):
    response = accountant_client.post(WIZARD, {"choice": "something-else"})
    assert response.status_code == 200
    assert "Välj ett av alternativen." in page_text(response)


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

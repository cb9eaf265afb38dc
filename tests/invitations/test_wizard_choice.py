"""Step 1 of the wizard, through HTTP: new or existing users, and the run it starts."""

import re
import uuid

from tests.accounts.factories import UserFactory
from tests.clients.factories import administered_client
from tests.invitations.wizard import WIZARD, fields, page_text, rows_post, start


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


def test_back_from_step_two_and_next_again_keeps_what_was_typed(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm, name="Alfa Bygg AB")
    step = start(accountant_client)
    typed = fields(client, name="Åsa Öberg", email="asa@alfa.test")

    response = accountant_client.post(step, rows_post(typed, action="back"))

    assert response.status_code == 302 and response.url.startswith(f"{WIZARD}?utkast=")
    step_one = page_text(accountant_client.get(response.url))
    assert re.search(r'value="new_users"[^>]*checked', step_one)
    key = re.search(r'name="utkast" value="([0-9a-f-]{36})"', step_one).group(1)
    response = accountant_client.post(WIZARD, {"choice": "new_users", "utkast": key})
    assert response.url == step
    html = page_text(accountant_client.get(step))
    assert 'value="Åsa Öberg"' in html and "<strong data-marked-count>1</strong>" in html


def test_back_then_the_other_choice_starts_its_own_run(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    accountant_client.post(
        step, rows_post(fields(client, name="K", email="k@k.test"), action="back")
    )
    response = accountant_client.post(
        WIZARD, {"choice": "existing_users", "utkast": str(uuid.UUID(step.split("/")[-3]))}
    )
    assert response.url.endswith("/befintliga/") and step.split("/")[-3] not in response.url


def test_a_tampered_draft_key_on_step_one_starts_a_new_run(accountant_client):
    response = accountant_client.post(WIZARD, {"choice": "new_users", "utkast": "../x"})
    assert response.status_code == 302 and response.url.endswith("/nya/")
    assert accountant_client.get(f"{WIZARD}?utkast={uuid.uuid4()}").status_code == 200


def test_with_sms_off_neither_step_promises_an_sms(settings, accountant_client):
    settings.SMS_ENABLED = False

    choices = page_text(accountant_client.get(WIZARD))
    step_two = page_text(accountant_client.get(start(accountant_client)))

    assert "får en inbjudan med e-post." in choices
    assert "SMS" not in choices
    assert "går inbjudan även som SMS" not in step_two
    assert "SMS är avstängt i den här installationen" in step_two


def test_with_sms_on_both_steps_say_the_mobile_number_brings_an_sms(accountant_client):
    choices = page_text(accountant_client.get(WIZARD))
    step_two = page_text(accountant_client.get(start(accountant_client)))

    assert "får en inbjudan med e-post och SMS." in choices
    assert "Mobilnummer är frivilligt: med det går inbjudan även som SMS." in step_two

"""The pages' scripts work under the strict CSP (script-src 'self'), from static files only.

Review finding 7: the language menu, the filters, "Markera alla" and the revoke questions
were inline handlers and an inline script, which that policy would have blocked.
"""

import re

import pytest
from playwright.sync_api import expect

from bureau.models import FirmRole
from invitations.models import Invitation
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientRightFactory
from tests.e2e.browser import log_in, snapshot, wait_until_enhanced
from tests.invitations.factories import InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def blocked_by_the_policy(page) -> list[str]:
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_filters_select_all_and_the_revoke_question_work_without_inline_script(page, live_server):
    blocked = blocked_by_the_policy(page)
    administrator = AccountantFactory(firm_membership__role=FirmRole.ADMIN)
    firm = administrator.firm_membership.firm
    for name in ("Ada Ask", "Bo Berg", "Cia Cederlund"):
        invitation = InvitationFactory(
            user__full_name=name, client__firm=firm, invited_by=administrator
        )
        ClientRightFactory(accountant=administrator, client=invitation.client)

    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/inbjudningar/")
    wait_until_enhanced(page, "#invitation-selection")
    wait_until_enhanced(page, "#invitation-filters")

    page.get_by_label("Markera alla på sidan").check()
    boxes = page.locator("#invitation-selection tbody input[type=checkbox]")
    expect(boxes).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()
    snapshot(page, "csp-overview-all-marked")

    revoke = page.get_by_role("button", name="Återkalla")
    wait_until_enhanced(page, "button[data-confirm]")
    page.evaluate("window.stillHere = true")
    page.once("dialog", lambda dialog: dialog.dismiss())
    revoke.click()
    assert page.evaluate("window.stillHere === true")  # no navigation: nothing was sent
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    expect(page.locator(".messages")).to_be_visible()
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 3

    wait_until_enhanced(page, "#invitation-filters")
    page.get_by_label("Inbjudans status").select_option("revoked")
    expect(page).to_have_url(re.compile(r"status=revoked"))
    expect(page.locator("tbody tr")).to_have_count(3)
    assert blocked == []


def test_the_invitation_page_asks_before_revoking(page, live_server):
    blocked = blocked_by_the_policy(page)
    administrator = AccountantFactory(firm_membership__role=FirmRole.ADMIN)
    invitation = InvitationFactory(
        user__full_name="Ada Ask",
        client__firm=administrator.firm_membership.firm,
        invited_by=administrator,
    )
    ClientRightFactory(accountant=administrator, client=invitation.client)

    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/inbjudningar/{invitation.pk}/")
    wait_until_enhanced(page, "form[data-confirm]")
    page.evaluate("window.stillHere = true")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Återkalla").click()
    assert page.evaluate("window.stillHere === true")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Återkalla").click()
    expect(page.locator(".messages")).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert blocked == []

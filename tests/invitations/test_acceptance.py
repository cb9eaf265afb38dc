"""The invitation link as the invited person meets it: GET shows, POST acts, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from invitations import secrets
from invitations.models import Delivery, EventKind, InvitationEvent, InvitationStatus
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientMembershipFactory
from tests.invitations.factories import InvitationFactory
from tests.invitations.links import accept_url, renew_url

GOOD_PASSWORD = "Kvitto-Lada-2026"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitation(db):
    invitation = InvitationFactory(
        user=UserFactory(password=None, is_active=False, username="anna.svensson")
    )
    ClientMembershipFactory(client=invitation.client, user=invitation.user)
    return invitation


def test_opening_the_link_shows_firm_client_and_username_and_changes_nothing(client, invitation):
    response = client.get(accept_url(invitation.secret))

    assert response.status_code == 200
    page = response.content.decode()
    assert invitation.client.firm.name in page
    assert invitation.client.name in page
    assert "anna.svensson" in page
    assert "Aktivera kontot och logga in" in page
    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not invitation.user.is_active
    assert not invitation.user.has_usable_password()
    assert not invitation.events.exists()
    assert "_auth_user_id" not in client.session


def test_opening_the_link_twice_still_leaves_it_usable(client, invitation):
    client.get(accept_url(invitation.secret))
    client.get(accept_url(invitation.secret))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING

    response = client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    assert response.status_code == 302 and response.url == reverse("documents:start")
    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.user.is_active and invitation.user.check_password(GOOD_PASSWORD)


def test_choosing_a_password_accepts_activates_logs_in_and_lands_on_the_start_page(
    client, invitation
):
    response = client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("documents:start")
    assert invitation.client.name in response.content.decode()
    invitation.refresh_from_db()
    user = invitation.user
    user.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_at is not None
    assert user.is_active and user.check_password(GOOD_PASSWORD)
    assert list(invitation.events.values_list("kind", "actor")) == [(EventKind.ACCEPTED, user.pk)]
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_link_works_once_then_says_already_accepted_and_offers_login(client, invitation):
    data = {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    client.post(accept_url(invitation.secret), data)
    client.logout()

    again = client.post(
        accept_url(invitation.secret),
        {"new_password1": "Annat-Losen-99", "new_password2": "Annat-Losen-99"},
    )
    opened = client.get(accept_url(invitation.secret))

    for response in (again, opened):
        assert response.status_code == 200
        assert "Inbjudan är redan accepterad" in response.content.decode()
        assert reverse("login") in response.content.decode()
    invitation.user.refresh_from_db()
    assert invitation.user.check_password(GOOD_PASSWORD)
    assert invitation.events.filter(kind=EventKind.ACCEPTED).count() == 1
    assert "_auth_user_id" not in client.session


def test_after_accepting_the_user_logs_in_with_the_chosen_password(client, invitation):
    client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    client.logout()

    response = client.post(
        reverse("login"), {"username": "anna.svensson", "password": GOOD_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("documents:start")


def test_the_link_page_is_never_cached(client, invitation):
    response = client.get(accept_url(invitation.secret))

    assert "no-store" in response["Cache-Control"]


def test_password_rules_are_djangos_and_speak_swedish(client, invitation):
    response = client.post(
        accept_url(invitation.secret), {"new_password1": "abc", "new_password2": "abd"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "De två lösenordsfälten stämmer inte överens." in page

    response = client.post(
        accept_url(invitation.secret), {"new_password1": "12345678", "new_password2": "12345678"}
    )
    page = response.content.decode()
    assert "Detta lösenord är enbart numeriskt." in page
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_an_expired_link_says_so_and_cannot_be_accepted(client, invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()

    shown = client.get(accept_url(invitation.secret))
    posted = client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    for response in (shown, posted):
        page = response.content.decode()
        assert "Länken har gått ut" in page
        assert "Skicka en ny länk till mig" in page
    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not invitation.user.is_active


def test_a_revoked_link_says_so_and_cannot_be_accepted(client, invitation):
    invitation.status = InvitationStatus.REVOKED
    invitation.save()

    shown = client.get(accept_url(invitation.secret))
    response = client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    for answer in (shown, response):
        assert answer.status_code == 200
        page = answer.content.decode()
        assert "Inbjudan har återkallats" in page
        assert "Byrån har dragit tillbaka den här inbjudan" in page
        assert "Länken har gått ut" not in page
        assert 'name="new_password1"' not in page  # no way to choose a password
        assert reverse("acceptance:request_new_link", kwargs={"secret": invitation.secret}) in page
    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.accepted_at is None
    assert not invitation.user.is_active
    assert not invitation.user.has_usable_password()
    assert not invitation.events.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("secret", ["not-a-real-secret", "x" * 43, "a" * 500])
def test_a_wrong_secret_gets_a_friendly_not_found_page(client, invitation, secret):
    response = client.get(accept_url(secret))

    assert response.status_code == 404
    assert "Länken känns inte igen" in response.content.decode()


def test_a_near_miss_secret_is_not_accepted(client, invitation):
    near_miss = invitation.secret[:-1] + ("A" if invitation.secret[-1] != "A" else "B")

    response = client.post(
        accept_url(near_miss), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    )

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


# --- "Skicka en ny länk till mig" ------------------------------------------------------------


@pytest.fixture
def expired(invitation):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()
    return invitation


def test_renewal_in_notify_mode_tells_the_inviting_accountant_once(
    client, expired, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_RENEWAL = "notify"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(renew_url(expired.secret), follow=True)
        client.post(renew_url(expired.secret))

    assert "Tack, vi har tagit emot din begäran" in response.content.decode()
    assert expired.events.filter(kind=EventKind.RENEWAL_REQUESTED).count() == 1
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [expired.invited_by.email]
    assert expired.user.email in notice.body
    assert reverse("invitations:detail", kwargs={"pk": expired.pk}) in notice.body
    assert not Delivery.objects.exists()


def test_renewal_in_resend_mode_sends_a_fresh_link_and_kills_the_old(client, expired, settings):
    settings.INVITATION_RENEWAL = "resend"
    old_secret = expired.secret

    client.post(renew_url(old_secret))

    expired.refresh_from_db()
    assert expired.status == InvitationStatus.PENDING
    assert expired.expires_at > timezone.now() + timedelta(days=13)
    assert list(Delivery.objects.values_list("recipient", "purpose")) == [
        (expired.user.email, "invitation")
    ]
    assert expired.events.filter(kind=EventKind.RESENT, actor=None).exists()
    assert client.get(accept_url(old_secret)).status_code == 404
    new_secret = secrets.secret_for(expired.secret_nonce)
    assert "Aktivera kontot och logga in" in client.get(accept_url(new_secret)).content.decode()


def test_renewal_of_a_revoked_link_never_resends_it(client, invitation, settings):
    settings.INVITATION_RENEWAL = "resend"
    invitation.status = InvitationStatus.REVOKED
    invitation.save()

    client.post(renew_url(invitation.secret))

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert not Delivery.objects.exists()
    assert invitation.events.filter(kind=EventKind.RENEWAL_REQUESTED).exists()


def test_renewal_answers_a_stranger_exactly_as_it_answers_the_invited(client, expired):
    known = client.post(renew_url(expired.secret))
    unknown = client.post(renew_url("made-up-secret-0123456789"))

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("acceptance:new_link_requested")
    page = client.get(known.url).content.decode()
    assert "Tack, vi har tagit emot din begäran" in page
    # Only the real link's request is recorded; the made-up one creates nothing.
    assert list(InvitationEvent.objects.values_list("invitation", "kind")) == [
        (expired.pk, EventKind.RENEWAL_REQUESTED)
    ]
    expired.refresh_from_db()
    assert expired.status == InvitationStatus.PENDING
    assert not Delivery.objects.exists()


def test_renewal_is_post_only(client, expired):
    assert client.get(renew_url(expired.secret)).status_code == 405


# --- Rate limits -----------------------------------------------------------------------------


@pytest.fixture
def still_clock(monkeypatch):
    """The rate limits' clock stands still, so that no count straddles a window's edge."""
    import django_ratelimit.core

    now = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core.time, "time", lambda: now)


def test_too_many_requests_for_one_link_get_a_friendly_429(
    client, invitation, settings, still_clock
):
    settings.INVITATION_ACCEPT_RATE_PER_LINK = "3/m"

    statuses = [client.get(accept_url(invitation.secret)).status_code for _ in range(3)]
    limited = client.post(
        accept_url(invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "För många försök" in limited.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_one_address_guessing_many_secrets_is_limited(client, invitation, settings, still_clock):
    settings.INVITATION_ACCEPT_RATE_PER_IP = "5/m"

    guesses = [
        client.get(accept_url(f"guess-{n}"), REMOTE_ADDR="203.0.113.9").status_code
        for n in range(6)
    ]
    from_elsewhere = client.get(accept_url(invitation.secret), REMOTE_ADDR="198.51.100.7")

    assert guesses == [404] * 5 + [429]
    assert from_elsewhere.status_code == 200


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_names(
    client, invitation, settings, still_clock
):
    settings.INVITATION_ACCEPT_RATE_PER_IP = "2/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = [
        client.get(accept_url(f"guess-{n}"), HTTP_X_REAL_IP="203.0.113.9", **proxy).status_code
        for n in range(3)
    ]
    second = client.get(accept_url("guess-x"), HTTP_X_REAL_IP="198.51.100.7", **proxy)

    assert first == [404, 404, 429]
    assert second.status_code == 404


def test_asking_for_new_links_is_limited_per_address_and_per_link(
    client, expired, settings, still_clock
):
    settings.INVITATION_ACCEPT_RATE_PER_IP = "4/m"
    settings.INVITATION_ACCEPT_RATE_PER_LINK = "2/m"
    settings.INVITATION_RENEWAL = "resend"
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}

    for_the_link = [client.post(renew_url(expired.secret)).status_code for _ in range(3)]
    guesses = [client.post(renew_url(f"guess-{n}")).status_code for n in range(2)]
    other_link = client.post(renew_url("another-guess-0123456789"), **elsewhere)

    assert for_the_link == [302, 302, 429]
    assert guesses == [302, 429]  # the address has used its 4 of this minute
    assert other_link.status_code == 302
    limited = client.post(renew_url(expired.secret), **elsewhere)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "För många försök" in limited.content.decode()
    # Of the two that got through, the first sent a new link; the old one then named nothing.
    expired.refresh_from_db()
    assert expired.status == InvitationStatus.PENDING
    assert Delivery.objects.filter(invitation=expired).count() == 1


# --- The language of the page: the invited user's, unless the visitor chose one -------------


@pytest.fixture
def english_invitation(invitation):
    invitation.user.language = "en"
    invitation.user.save(update_fields=["language"])
    return invitation


def test_the_page_speaks_the_invited_users_language_not_the_browsers(
    client, english_invitation, invitation
):
    page = client.get(accept_url(invitation.secret), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="en">' in page
    assert "Welcome to Byråportalen" in page and "Activate your account and log in" in page

    response = client.post(
        accept_url(invitation.secret),
        {"new_password1": "abc", "new_password2": "abd"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert "The two password fields didn’t match." in response.content.decode()


def test_a_swedish_user_gets_swedish_in_an_english_browser(client, invitation):
    page = client.get(accept_url(invitation.secret), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="sv">' in page
    assert "Välkommen till Byråportalen" in page


def test_a_lapsed_link_also_speaks_the_users_language(client, english_invitation):
    english_invitation.expires_at = timezone.now() - timedelta(minutes=1)
    english_invitation.save(update_fields=["expires_at"])
    page = client.get(accept_url(english_invitation.secret), HTTP_ACCEPT_LANGUAGE="sv")
    assert '<html lang="en">' in page.content.decode()


def test_a_language_chosen_in_the_header_menu_wins(client, english_invitation, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(accept_url(english_invitation.secret)).content.decode()
    assert '<html lang="sv">' in page
    assert "Välkommen till Byråportalen" in page

    response = client.post(
        accept_url(english_invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the choice is kept
    assert '<html lang="sv">' in client.get(response.url).content.decode()


def test_after_accepting_the_portal_goes_on_in_the_users_language(
    client, english_invitation, settings
):
    response = client.post(
        accept_url(english_invitation.secret),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    start = client.get(response.url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="en">' in start

"""Passkeys: adding one, signing in with one, removing one (issue 10).

Built on ``webauthn`` (py_webauthn, Duo Labs), which does the WebAuthn ceremony checks
(challenge, origin, RP id, signature, counters). The ceremonies' state is one challenge in
the caller's session; these functions take it and return what to keep.
"""

import json
from dataclasses import dataclass
from datetime import datetime

import webauthn
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.models import User

from .models import Passkey

RP_NAME = "Byråportalen"
MAX_PASSKEYS_PER_USER = 10


@dataclass(frozen=True)
class RelyingParty:
    """Who asks: the portal's host name (the RP id) and the page's origin."""

    rp_id: str
    origin: str


class PasskeyRefused(Exception):
    """The browser's answer did not pass; the message is for the person."""


def _user_handle(user: User) -> bytes:
    # The authenticator stores this with the credential; it names no one outside the portal.
    return salted_hmac("passkeys.user_handle", str(user.pk)).digest()[:32]


def _transports(values) -> list[AuthenticatorTransport]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [AuthenticatorTransport(value) for value in values or [] if value in known]


def registration_options(*, user: User, party: RelyingParty) -> tuple[str, bytes]:
    """The options for ``navigator.credentials.create()`` as JSON, and the challenge to keep.

    A passkey proper: stored on the device (resident) and unlocked by the device's own user
    verification; the user's existing passkeys are excluded, so one device is added once.
    """
    options = webauthn.generate_registration_options(
        rp_id=party.rp_id,
        rp_name=RP_NAME,
        user_id=_user_handle(user),
        user_name=user.username,
        user_display_name=user.get_full_name(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(
                id=webauthn.base64url_to_bytes(passkey.credential_id),
                transports=_transports(passkey.transports),
            )
            for passkey in Passkey.objects.filter(user=user)
        ],
    )
    return webauthn.options_to_json(options), options.challenge


def add_passkey(
    *, user: User, party: RelyingParty, challenge: bytes, response: str, name: str
) -> Passkey:
    """Verifies the browser's answer to ``registration_options`` and stores the passkey.

    Guarantees: the answer is for this challenge, origin and RP id and the user was
    verified on the device; a credential already stored (for anyone) is refused; at most
    ``MAX_PASSKEYS_PER_USER`` per user.
    """
    try:
        verified = webauthn.verify_registration_response(
            credential=response,
            expected_challenge=challenge,
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            require_user_verification=True,
        )
        transports = json.loads(response).get("response", {}).get("transports", [])
    except (WebAuthnException, ValueError, TypeError, AttributeError) as error:
        raise PasskeyRefused(gettext("Passnyckeln kunde inte läggas till. Försök igen.")) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS_PER_USER:
            raise PasskeyRefused(
                gettext("Du har redan %(max)d passnycklar. Ta bort en först.")
                % {"max": MAX_PASSKEYS_PER_USER}
            )
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise PasskeyRefused(gettext("Den här passnyckeln finns redan."))
        return Passkey.objects.create(
            user=user,
            name=(name or "").strip()[:100] or gettext("Passnyckel"),
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[
                t.value for t in _transports(transports if isinstance(transports, list) else [])
            ],
            backed_up=verified.credential_backed_up,
        )


def authentication_options(*, party: RelyingParty) -> tuple[str, bytes]:
    """The options for ``navigator.credentials.get()`` as JSON, and the challenge to keep.

    No credential list: the device offers the passkeys it holds for the portal, so the
    person need not type a username first.
    """
    options = webauthn.generate_authentication_options(
        rp_id=party.rp_id, user_verification=UserVerificationRequirement.REQUIRED
    )
    return webauthn.options_to_json(options), options.challenge


def user_signing_in(*, party: RelyingParty, challenge: bytes, response: str, now: datetime) -> User:
    """The active user whose passkey answered ``authentication_options``.

    Verifies signature, challenge, origin, RP id and user verification against the stored
    public key, then records the new signature counter and the time of use. A counter that
    went backwards (a cloned authenticator) is refused by the library.
    """
    refused = PasskeyRefused(gettext("Inloggningen med passnyckel misslyckades. Försök igen."))
    try:
        credential = parse_authentication_credential_json(response)
    except (WebAuthnException, ValueError, TypeError, AttributeError) as error:
        raise refused from error
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=bytes_to_base64url(credential.raw_id), user__is_active=True)
        .first()
    )
    if passkey is None:
        raise PasskeyRefused(
            gettext("Passnyckeln är inte kopplad till något konto här. Logga in med lösenordet.")
        )
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except WebAuthnException as error:
        raise refused from error
    Passkey.objects.filter(pk=passkey.pk).update(
        sign_count=verified.new_sign_count, last_used_at=now
    )
    return passkey.user


def remove_passkey(*, user: User, passkey_id: int) -> bool:
    """Removes one of ``user``'s own passkeys; True if it was there. The password stays."""
    deleted, _ = Passkey.objects.filter(user=user, pk=passkey_id).delete()
    return deleted > 0


def remove_all_passkeys(*, user: User) -> int:
    """Removes every passkey of ``user`` (a lost phone); returns how many there were."""
    deleted, _ = Passkey.objects.filter(user=user).delete()
    return deleted

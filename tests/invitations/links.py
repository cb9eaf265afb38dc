"""The addresses of an invitation link's pages, as its e-mail and SMS name them."""

from django.urls import reverse


def accept_url(secret: str) -> str:
    """The link itself: GET shows the page, POST with a password accepts."""
    return reverse("acceptance:accept", kwargs={"secret": secret})


def renew_url(secret: str) -> str:
    """ "Skicka en ny länk till mig" on a lapsed or revoked link's page."""
    return reverse("acceptance:request_new_link", kwargs={"secret": secret})

"""Writes to a user's own settings."""

from .models import Language, User


def keep_language(user: User, language: str) -> None:
    """Makes ``language`` (one of ``Language``) the one the portal and its messages speak to
    ``user``. Nothing is written when it already is."""
    if language not in Language.values:
        raise ValueError(f"Not a language of the portal: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])

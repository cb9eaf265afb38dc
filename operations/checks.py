"""Deploy checks: a sample SECRET_KEY from this repository never runs a real portal.

Django's own check catches short and ``django-insecure-`` keys; the samples below are long
enough to pass it, and anyone can read them here, in the compose file or in .env.example.
"""

from django.conf import settings
from django.core import checks

# Every key this repository has ever shown as an example or default.
SAMPLE_SECRET_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me-0123456789abcdefghijklmn",  # config/settings/base.py
        "test-secret-key-not-for-production-0123456789abcdefghijklmnop",  # .../test.py
        "compose-only-insecure-secret-key-change-me-0123456789",  # docker-compose.yml, formerly
        "change-me-to-50-random-characters",  # .env.example
        "build-only",  # Dockerfile, collectstatic at build time
    }
)


def is_sample_key(key) -> bool:
    text = key.decode(errors="replace") if isinstance(key, bytes) else str(key)
    return text in SAMPLE_SECRET_KEYS or "change-me" in text.lower()


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_not_a_sample(app_configs, **kwargs):
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(is_sample_key(key) for key in keys):
        return [
            checks.Error(
                "SECRET_KEY (or one of SECRET_KEY_FALLBACKS) is a sample key published with "
                "Byråportalen; with it anyone can forge sessions and invitation links.",
                hint="Set SECRET_KEY to a long random string of your own, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="operations.E001",
            )
        ]
    return []

"""docker-compose.yml read against the settings it feeds (there is no Docker engine here)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def portal_environment() -> dict:
    return compose()["x-portal"]["environment"]


def test_secret_key_has_no_default_and_compose_stops_without_one():
    """Review finding 8: a default SECRET_KEY shipped in the compose file."""
    value = portal_environment()["SECRET_KEY"]
    assert value.startswith("${SECRET_KEY:?"), value


def test_the_stack_runs_the_deploy_checks_before_migrating():
    command = " ".join(compose()["services"]["migrate"]["command"])
    assert "check --deploy --fail-level ERROR && python manage.py migrate" in command

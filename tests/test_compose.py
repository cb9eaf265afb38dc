"""docker-compose.yml read against the settings it feeds (there is no Docker engine here)."""

import json
import re
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


def test_more_than_one_machine_two_web_containers_two_workers_one_beat():
    services = compose()["services"]

    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "ports" not in services["web"]  # replicas cannot share a host port: the proxy does
    assert services["proxy"]["ports"] == ["8000:80"]


def test_the_proxy_spreads_over_the_web_replicas_and_tells_them_the_clients_address():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()

    assert "server web:8000;" in nginx
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx
    # Behind the proxy every request comes from it: without this one address would be
    # locked out for everyone after a few wrong passwords.
    assert portal_environment()["RATELIMIT_IP_META_KEY"] == "HTTP_X_REAL_IP"


def test_underlag_live_on_the_shared_object_storage_of_the_stack():
    environment = portal_environment()
    options = json.loads(environment["FILE_STORAGE_OPTIONS"])
    services = compose()["services"]

    assert environment["FILE_STORAGE_BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["endpoint_url"] == "http://minio:9000"
    assert f"store/{options['bucket_name']}" in " ".join(services["bucket"]["entrypoint"])
    assert "minio" in services
    assert "media" not in compose().get("volumes", {})  # no container-local files


def test_every_portal_variable_is_one_the_settings_or_boto3_read():
    from tests.test_env_example import variables_read_by_the_settings

    read = variables_read_by_the_settings() | {
        "DJANGO_SETTINGS_MODULE",
        "AWS_ACCESS_KEY_ID",  # read by boto3 for django-storages
        "AWS_SECRET_ACCESS_KEY",
    }
    assert set(portal_environment()) - read == set()


def test_the_web_containers_report_their_health_from_healthz():
    check = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    assert "/healthz" in check


def test_the_proxys_access_log_masks_the_link_secret():
    """Review finding 5: the proxy in front of gunicorn logs the request too."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "access_log /dev/stdout masked;" in nginx
    [log_format] = re.findall(r"log_format masked (.*?);", nginx, re.DOTALL)
    assert "$masked_path" in log_format
    for leaky in (
        "$request ",
        "$request_uri",
        "$args",
        "$query_string",
        "$http_referer",
        "$remote_addr",
    ):
        assert leaky not in log_format + " "
    assert "$client_network" in log_format


def test_the_databases_log_leaves_out_a_refused_rows_values():
    """A unique index refusing a taken e-mail address logs "Key (lower(email))=(…)" in its
    DETAIL and the statement with its values: neither, in the stack's PostgreSQL."""
    command = compose()["services"]["postgres"]["command"]
    assert command[0] == "postgres"
    assert {"log_error_verbosity=terse", "log_min_error_statement=panic"} <= set(command[1:])


def test_the_web_containers_run_gunicorn_with_the_masking_config():
    compose = (ROOT / "docker-compose.yml").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--config=deploy/gunicorn.conf.py" in compose
    assert '"--config", "deploy/gunicorn.conf.py"' in dockerfile
    assert "access-logfile" not in compose + dockerfile

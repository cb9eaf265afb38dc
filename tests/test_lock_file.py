"""One set of versions for every install (issue 12): the lock files hold every dependency of
pyproject.toml at a version it allows, with hashes, and every install reads them."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def pins(lock: str) -> dict[str, str]:
    """{name: version} of a lock file, each pin checked to carry at least one hash."""
    text = (ROOT / "requirements" / lock).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{lock}: {match.group(1)} has no hash"
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def declared(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + (project["optional-dependencies"]["dev"] if dev else [])
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "dev"), [("dev.txt", True), ("main.txt", False)])
def test_every_dependency_is_locked_at_a_version_pyproject_allows(lock, dev):
    locked = pins(lock)

    wrong = {
        requirement.name: locked.get(canonicalize_name(requirement.name), "missing")
        for requirement in declared(dev=dev)
        if not requirement.specifier.contains(
            locked.get(canonicalize_name(requirement.name), "0.0.0.dev0"), prereleases=True
        )
    }

    assert not wrong, f"run `make lock`: {wrong}"


def test_the_production_set_is_the_development_set_without_the_tools():
    production, development = pins("main.txt"), pins("dev.txt")

    assert {name: development.get(name) for name in production} == production
    assert "pytest" not in production and "django" in production


def test_every_install_reads_the_lock_and_checks_the_hashes():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "pip install --quiet --require-hashes -r requirements/dev.txt" in makefile
    assert "pip install --require-hashes --no-deps -r requirements/main.txt" in dockerfile
    assert "pip install ." not in dockerfile

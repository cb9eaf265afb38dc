"""The directions the code's imports must keep, read from the source itself (issue 11).

- ``invitations.delivery`` (the outbox) is called by the services and never calls them;
- ``bureau`` (firms and accountants) knows nothing of ``clients``, which builds on it;
- in ``inbound``, the worker's side (``processing``, ``replies``), which the tasks call, never
  reaches the tasks or the request's side that queues them, not even through the package.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved, also those inside functions."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def sources(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("invitations/delivery", ("invitations.services", "invitations.tasks")),
        ("bureau", ("clients",)),
    ],
)
def test_a_layer_never_imports_the_one_above_it(folder, forbidden):
    offending = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(folder)
        for module in imported_modules(path)
        if any(module == name or module.startswith(name + ".") for name in forbidden)
    }

    assert sources(folder), folder
    assert not offending, sorted(offending)


@pytest.mark.parametrize(
    "module", ["inbound/services/processing.py", "inbound/services/replies.py"]
)
def test_inbound_work_never_imports_what_queues_it(module):
    forbidden = ("inbound.tasks", "inbound.services.receiving", "inbound.services.decisions")

    imported = imported_modules(ROOT / module)

    assert not [name for name in imported if name.startswith(forbidden)], module


def test_the_inbound_services_package_imports_none_of_its_modules():
    assert not [
        name
        for name in imported_modules(ROOT / "inbound" / "services" / "__init__.py")
        if name.startswith("inbound")
    ]


def test_the_check_resolves_relative_imports():
    module = ROOT / "invitations" / "delivery" / "sending.py"

    assert "invitations.models" in imported_modules(module)
    assert "invitations.delivery.messages" in imported_modules(module)

"""Every variable the settings read is listed in .env.example (issue 2), under a comment."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")


def variables_read_by_the_settings() -> set[str]:
    return {
        name
        for module in (ROOT / "config" / "settings").glob("*.py")
        for name in READ.findall(module.read_text())
    }


def listed_in_env_example() -> dict[str, int]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    listed = {}
    for number, line in enumerate(lines):
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            listed[match.group(1)] = number
    return listed


def test_the_settings_read_the_variables_this_test_expects():
    read = variables_read_by_the_settings()
    # Guards the pattern: names from one-line and wrapped env(...) calls are both found.
    assert {
        "DATABASE_URL",
        "SECRET_KEY",
        "INVITATION_EMAIL_SUBJECT",
        "INVITATION_REMINDER_DAYS_BEFORE_EXPIRY",
    } <= read


def test_every_variable_read_is_in_env_example():
    missing = variables_read_by_the_settings() - set(listed_in_env_example())
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_every_variable_or_its_group_has_a_comment_above():
    lines = (ROOT / ".env.example").read_text().splitlines()
    uncommented = []
    for name, number in listed_in_env_example().items():
        above = lines[:number]
        # Variables listed together share the comment (or section heading) above them.
        while above and re.match(r"#?\s*[A-Z][A-Z0-9_]*=", above[-1]):
            above.pop()
        if not (above and above[-1].startswith("#")):
            uncommented.append(name)
    assert not uncommented, uncommented

"""How ids, search texts and paths to go back to are read from a request."""

import pytest
from django.http import QueryDict

from bureau.request_values import (
    BIGINT_MAX,
    contains_nul,
    id_value,
    id_values,
    local_path,
    search_text,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("9" * 5000, None),  # past int()'s own limit on digits
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1 ", None),
        ("1\n", None),
        ("1.0", None),
        ("1e3", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them as 12
        ("𝟙", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_an_id_is_ascii_digits_within_bigint(value, expected):
    assert id_value(value) == expected


def test_ids_keep_their_order_and_leave_out_what_names_none():
    assert id_values(["3", "²", "1", "x", "2"]) == [3, 1, 2]
    assert id_values(["3", "1", "2"], limit=2) == [3, 1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Alfa Bygg  ", "Alfa Bygg"),
        ("Al\x00fa", "Alfa"),
        ("Al\x01fa\x1b[31m", "Alfa[31m"),
        ("Alfa\tBygg\nAB", "Alfa Bygg AB"),
        ("Alfa\x85\x7f", "Alfa"),
        ("x" * 500, "x" * 100),
        (None, ""),
        (["Alfa"], ""),
        ("Ärlig Ödman", "Ärlig Ödman"),
    ],
)
def test_a_search_text_has_no_control_characters_and_a_bounded_length(value, expected):
    assert search_text(value) == expected


@pytest.mark.parametrize(
    "value",
    ["/inbjudningar/", "/inbjudningar/?status=expired&sida=2", "/klienter/12/#anvandare"],
)
def test_a_local_path_is_followed(value):
    assert local_path(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\x00",
        "/\nLocation: https://evil.example/",
        "",
        None,
        ["/"],
        12,
    ],
)
def test_anything_else_is_not(value):
    assert local_path(value) is None


def test_a_nul_is_found_in_keys_and_values():
    assert contains_nul(QueryDict("q=%00"))
    assert contains_nul(QueryDict("%00=1"))
    assert contains_nul(QueryDict("a=1&a=2%003"))
    assert not contains_nul(QueryDict("q=Alfa%01&r=%C2%B2"))
    assert not contains_nul(QueryDict("paste=a%00b&q=Alfa"), ignore=("paste",))
    assert contains_nul(QueryDict("paste=a%00b&q=%00"), ignore=("paste",))

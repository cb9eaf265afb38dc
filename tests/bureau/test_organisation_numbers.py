import pytest
from django.core.exceptions import ValidationError

from bureau.organisation_numbers import normalise_org_number


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("556036-0793", "556036-0793"),
        ("5560360793", "556036-0793"),
        ("556036 0793", "556036-0793"),
        ("16556036-0793", "556036-0793"),
        ("165560360793", "556036-0793"),
    ],
)
def test_valid_numbers_are_normalised(raw, normalised):
    assert normalise_org_number(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("556036-0794", "checksum"),
        ("55603607", "format"),
        ("55603607931", "format"),
        ("abcdef-ghij", "format"),
        ("", "format"),
        ("995560360793", "format"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        normalise_org_number(raw)
    assert error.value.code == code

import pytest
from django.core.exceptions import ValidationError

from invitations.usernames import (
    suggest_username,
    suggest_usernames,
    username_base,
    validate_username,
)
from tests.accounts.factories import UserFactory


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Åsa Öberg", "asa.oberg"),
        ("Søren Ærø", "soren.aero"),
        ("Łukasz", "lukasz"),
        ("Jürgen Groß", "jurgen.gross"),
        ("  Anne-Marie  O'Neil ", "anne.marie.o.neil"),
        ("ÉMILE ZOLA", "emile.zola"),
        ("", "anvandare"),
        ("!!!", "anvandare"),
    ],
)
def test_the_base_is_the_name_in_ascii_lower_case_joined_by_dots(name, expected):
    assert username_base(name) == expected


def test_a_free_name_is_suggested_as_it_is(db):
    assert suggest_username("Åsa Öberg") == "asa.oberg"


def test_a_taken_name_gets_the_next_free_number_whatever_the_case(db):
    UserFactory(username="Asa.Oberg")
    UserFactory(username="asa.oberg2")
    assert suggest_username("Åsa Öberg") == "asa.oberg3"


def test_rows_of_one_batch_get_distinct_names_and_avoid_reserved_ones(db):
    UserFactory(username="asa.oberg")
    suggestions = suggest_usernames(
        ["Åsa Öberg", "Asa Oberg", "Søren Ærø"], reserved=["ASA.OBERG3", "soren.aero"]
    )
    assert suggestions == ["asa.oberg2", "asa.oberg4", "soren.aero2"]


def test_many_taken_numbers_are_looked_up_again_until_one_is_free(db):
    UserFactory(username="lukasz")
    for number in range(2, 30):
        UserFactory(username=f"lukasz{number}")
    assert suggest_username("Łukasz") == "lukasz30"


def test_suggestions_cost_one_query_for_a_whole_batch(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        suggest_usernames([f"Person {n}" for n in range(50)])


@pytest.mark.parametrize("username", ["asa.oberg", "a_b-c.9", "x"])
def test_letters_digits_dot_underscore_and_hyphen_are_allowed(username):
    validate_username(username)


@pytest.mark.parametrize("username", ["åsa", "asa oberg", "asa@oberg", "a+b"])
def test_other_characters_are_refused_with_a_message_naming_the_allowed_ones(username):
    with pytest.raises(ValidationError) as caught:
        validate_username(username)
    assert "a–z, siffror" in caught.value.messages[0]

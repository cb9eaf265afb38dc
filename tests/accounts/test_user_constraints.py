"""The database itself keeps usernames, and e-mail addresses, unique whatever their case."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User

pytestmark = pytest.mark.django_db


def create(**fields):
    with transaction.atomic():
        return User.objects.create(**fields)


def test_a_username_differing_only_in_case_is_refused_by_the_database():
    create(username="asa.oberg", email="asa@a.test")

    with pytest.raises(IntegrityError, match="user_username_ci_unique"):
        create(username="Asa.Oberg", email="other@a.test")


def test_an_email_differing_only_in_case_is_refused_but_empty_ones_may_repeat():
    create(username="a", email="Kalle@Ek.test")

    with pytest.raises(IntegrityError, match="user_email_ci_unique"):
        create(username="b", email="kalle@ek.test")

    create(username="c", email="")
    create(username="d", email="")
    assert User.objects.filter(email="").count() == 2

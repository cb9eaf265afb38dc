"""A user without a password (a client user until they accept) can never log in with one."""

import pytest
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_an_unusable_password_is_django_s_kind_random_for_each_user_and_lets_nobody_in():
    users = [User(username=f"klient{n}", is_active=True) for n in range(3)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)

    passwords = [user.password for user in users]
    assert len(set(passwords)) == 3  # ticket #20079: not one shared value
    for user, password in zip(users, passwords, strict=True):
        assert password.startswith(UNUSABLE_PASSWORD_PREFIX)
        assert len(password) == len(UNUSABLE_PASSWORD_PREFIX) + UNUSABLE_PASSWORD_SUFFIX_LENGTH
        assert not user.has_usable_password()
        stored = User.objects.get(pk=user.pk)
        for guess in ("", password, password[1:]):
            assert not stored.check_password(guess)

"""The benches' users: people with the desk's roles, as the services require."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group


def user_with_role(username: str, role: str) -> AbstractBaseUser:
    """A new user in ``role``'s group (the groups come from migration 0003)."""
    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get(name=role))
    return user

"""Who did something that the site records: a staff member, or nobody known."""

from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

# A staff member; AnonymousUser or None for the system, a command, or an unknown account.
Actor = User | AnonymousUser | None


def request_staff_user(request: HttpRequest) -> User:
    """Return the staff member behind a request to the admin, which lets in no one else."""
    return cast(User, request.user)

import pytest
from django.contrib.auth.models import Permission, User


@pytest.fixture
def editor(db):
    """A staff member who edits the campaign's pages, and nothing else."""
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaign",
            codename__in=["view_page", "change_page", "view_calltoaction", "view_campaign"],
        )
    )
    return user

import pytest
from django.contrib.auth.models import Permission

from petitions.sealing import news_address_close
from tests.factories import PetitionFactory, SignatureFactory
from tests.staff_fixtures import staff_user_create
from tests.updates.factories import SupporterUpdateFactory


def news_signer(petition, email: str, *, language: str = "fr"):
    """A confirmed signer who asked for news, as sealing leaves the row: the address boxed."""
    signature = SignatureFactory(
        petition=petition,
        confirmed=True,
        email=email,
        language=language,
        newsletter_opt_in=True,
        news_address=news_address_close(email),
    )
    type(signature).objects.filter(pk=signature.pk).update(email="")
    signature.email = ""
    return signature


def approver_create(username: str, **fields):
    user = staff_user_create(username, email=f"{username}@campaign.example", **fields)
    for codename in ("approve_supporterupdate", "change_supporterupdate", "view_supporterupdate"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def petition(db):
    return PetitionFactory(slug="liberez-mamat")


@pytest.fixture
def writer(db):
    return approver_create("camille")


@pytest.fixture
def update(petition, writer):
    return SupporterUpdateFactory(petition=petition, created_by=writer)

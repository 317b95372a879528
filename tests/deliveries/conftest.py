import pytest
from django.utils import translation

from tests.deliveries.factories import address_approved
from tests.factories import PetitionFactory, TargetFactory


@pytest.fixture(autouse=True)
def _french_by_default():
    """Start each test in the site's default language, whatever the last request activated."""
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _delivery_files_in_tmp(settings, tmp_path):
    """Keep the files each test delivers in its own folder."""
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"


@pytest.fixture
def embassy(db):
    return address_approved(
        TargetFactory(
            name="Ambassadeur de Chine en France",
            organisation="Ambassade de Chine en France",
            email="embassy@embassy.test",
            language="fr",
        )
    )


@pytest.fixture
def ministry(db):
    return address_approved(
        TargetFactory(
            name="Minister of Foreign Affairs",
            organisation="Ministry of Foreign Affairs of the PRC",
            email="ministry@ministry.test",
            language="zh-hans",
        )
    )


@pytest.fixture
def petition(embassy, ministry):
    return PetitionFactory(slug="liberez-mamat", targets=[embassy, ministry])


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run deliveries as beat or staff would, sending what is queued once it commits."""
    from deliveries import runs

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return runs.deliveries_run(**kwargs)

    return run

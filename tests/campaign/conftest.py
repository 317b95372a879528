import pytest
from django.test import override_settings

from campaign.public_cache import public_content_changed


@pytest.fixture
def _public_page_cache_on():
    """Serve public pages from memory, starting and ending with an empty cache."""
    public_content_changed()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        yield
    public_content_changed()

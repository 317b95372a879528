# Until tests/conftest.py lists "tests.staff_fixtures" in pytest_plugins (which pytest allows
# only there), the staff fixtures reach these tests by import.
from tests.staff_fixtures import verified_staff_client, verified_staff_user  # noqa: F401

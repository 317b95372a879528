"""The campaign's pages on `make run`'s defaults (SQLite, DEBUG on), where the database does not
name the constraint that refused a save: tests/default_path/sqlite_campaign_pages.py, run in a
pytest of its own."""

from tests.test_default_path import pytest_on_make_runs_defaults


def test_saves_refused_and_the_root_without_its_case_page_on_make_runs_defaults():
    result = pytest_on_make_runs_defaults(
        "-o", "python_files=sqlite_*.py", "tests/default_path/sqlite_campaign_pages.py"
    )

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "\n7 passed" in result.stdout, result.stdout[-2000:]

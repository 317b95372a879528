"""The W3C Nu HTML checker (npm vnu-jar, run by Java) finds no error on any public page.

Every page in fr, en and ug goes through one Java process: starting the checker costs more
than checking forty pages.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory
from django.views.defaults import server_error

from core.bad_request import bad_request
from core.server_error import server_error as site_server_error
from tests.public_pages import public_pages

pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules/vnu-jar/build/dist/vnu.jar"


def nu_checker_messages(paths: list[Path]) -> list[dict]:
    """Check these HTML files in one run of the W3C Nu checker; return its error messages."""
    if shutil.which("java") is None or not VNU_JAR.exists():
        pytest.fail("The HTML check needs Java and `npm ci` (vnu-jar): see README, 'Tests'.")
    result = subprocess.run(
        [
            "java",
            "-Xss1024k",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker reports on stdout or stderr, as its version likes: always, even if nothing.
    return json.loads(result.stdout or result.stderr)["messages"]


@pytest.fixture
def pages(mamat_campaign, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        pages = public_pages()
    pages["fr 404"] = client.get("/no-such-page/").content.decode()
    pages["500"] = server_error(RequestFactory().get("/")).content.decode()
    english_request = RequestFactory().get("/en/")
    english_request.LANGUAGE_CODE = "en"
    pages["500 in English"] = site_server_error(english_request).content.decode()
    pages["400"] = client.get("/", headers={"host": "elsewhere.example"}).content.decode()
    too_large = RequestFactory().post("/admin/", CONTENT_LENGTH="3300000")
    pages["400 form too large"] = bad_request(too_large, RequestDataTooBig()).content.decode()
    return pages


def test_the_nu_html_checker_finds_no_error_on_any_public_page(pages, tmp_path):
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{number}.html"
        path.write_text(html)
        files[path.name] = name

    messages = nu_checker_messages(sorted(tmp_path.glob("*.html")))
    errors = [
        f"{files.get(message.get('url', '').rpartition('/')[2], message.get('url'))}: "
        f"{message['message']} "
        f"«{message.get('extract', '').strip()}»"
        for message in messages
    ]
    assert errors == [], "\n".join(errors)

"""The site as production runs it, in real processes, for tests that break what it stands on.

Each test starts gunicorn (the Procfile's command) and a Celery worker with beat, on the test
database (through a TCP proxy the test can cut), Redis, and an SMTP server the test scripts.
Signers post the real form over HTTP. Every test then checks the same promises: every signature
acknowledged is stored, every stored address is mailed exactly once, and every confirmed
signature goes to the target in exactly one delivery, with no restart by hand.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from deliveries.models import DeliveredSignature, Delivery
from petitions import signature_links, signing
from petitions.mailboxes import mailbox_hash
from petitions.models import Petition, Signature
from tests.deliveries.factories import DeliveryScheduleFactory, address_approved
from tests.factories import PetitionFactory, TargetFactory
from tests.faults.tcp_proxy import TcpProxy
from tests.process_groups import process_group_kill, process_group_start, process_groups_stop
from tests.smtp_sink import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
# A broker database of the fault tests' own: the test process flushes Redis DB 15 (the cache).
BROKER_URL = os.environ.get("FAULTS_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")
TARGET_EMAIL = "embassy@target.test"
WAIT_SECONDS = 90


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)
            item.add_marker(pytest.mark.django_db(transaction=True))


def wait_for(condition: Callable[[], object], *, what: str, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.25)
    pytest.fail(f"Timed out after {seconds} s waiting for {what}.")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Attempt:
    email: str
    started: float
    acknowledged: bool
    outcome: str


@dataclass
class Signers:
    """Supporters signing the petition over HTTP, each as a first visit with the real form."""

    base_url: str
    slug: str
    attempts: list[Attempt] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def sign(self, email: str) -> Attempt:
        started = time.monotonic()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        try:
            page = opener.open(f"{self.base_url}/petition/{self.slug}/", timeout=15).read()
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = {
                "csrfmiddlewaretoken": token.decode(),
                "first_name": "Aynur",
                "last_name": "Tursun",
                "email": email,
                "country": "FR",
            }
            request = urllib.request.Request(
                f"{self.base_url}/petition/{self.slug}/sign/",
                data=urllib.parse.urlencode(form).encode(),
            )
            opener.open(request, timeout=15)
            outcome, acknowledged = "200: the form again", False
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            acknowledged = error.code == 302 and location.endswith("/signed/")
            outcome = f"{error.code} {location}"
        except Exception as error:
            outcome, acknowledged = f"{type(error).__name__}: {error}", False
        attempt = Attempt(email, started, acknowledged, outcome)
        self.attempts.append(attempt)
        return attempt

    def start(self, *, threads: int = 4) -> None:
        def run(number: int) -> None:
            count = 0
            while not self._stop.is_set():
                count += 1
                self.sign(f"signer-{number}-{count}@example.org")

        for number in range(threads):
            thread = threading.Thread(target=run, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def acknowledged(self) -> set[str]:
        return {attempt.email for attempt in self.attempts if attempt.acknowledged}


@dataclass
class Site:
    """gunicorn and a Celery worker with beat, started as production starts them."""

    url: str
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        process = process_group_start(command, env=self.env, log=self.logs / f"{name}.log")
        self.processes[name] = process
        return process

    def web_start(self) -> None:
        port = self.url.rpartition(":")[2]
        self._start(
            "web",
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "60"],
        )  # fmt: skip

    def worker_start(
        self, *, beat: bool = True, concurrency: int = 2, prefetch_multiplier: int = 1
    ) -> None:
        queue = self.env["FAULTS_QUEUE"]
        beat_options = (
            ["--beat", "--schedule", str(self.logs / f"beat-{uuid.uuid4().hex[:6]}")]
            if beat
            else []
        )
        self._start(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", *beat_options,
             "--pool", "prefork", "--concurrency", str(concurrency),
             "--prefetch-multiplier", str(prefetch_multiplier), "--loglevel", "INFO",
             "--queues", queue, "--hostname", f"{queue}@%h",
             "--without-mingle", "--without-gossip"],
        )  # fmt: skip
        wait_for(
            lambda: "ready." in (self.logs / "worker.log").read_text(), what="the Celery worker"
        )

    def worker_kill(self) -> None:
        """SIGKILL the worker and its children at once, as the kernel's OOM killer would."""
        process_group_kill(self.processes.pop("worker"))

    def exited(self) -> dict[str, int]:
        """Return the processes that ended by themselves, with their exit codes."""
        return {
            name: process.returncode
            for name, process in self.processes.items()
            if process.poll() is not None
        }

    def stop(self) -> None:
        process_groups_stop(self.processes.values())

    def logged(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("*.log")))


@pytest.fixture
def database_proxy():
    database = settings.DATABASES["default"]
    proxy = TcpProxy(upstream_port=int(database.get("PORT") or 5432))
    yield proxy
    proxy.close()


@pytest.fixture
def petition(transactional_db) -> Petition:
    target = address_approved(TargetFactory(name="Embassy", email=TARGET_EMAIL, language="en"))
    petition = PetitionFactory(slug="liberez-mamat", targets=[target])
    # Deliver as soon as one confirmed signature waits: beat runs it every second here.
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=1, is_active=False)
    return petition


@pytest.fixture
def site_environment(tmp_path, smtp_sink, database_proxy):
    """The environment of the site's processes: it may be changed before `site` starts them."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.faults.fault_settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@127.0.0.1:{database_proxy.port}/"
            f"{connection.settings_dict['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "FAULTS_QUEUE": f"faults-{uuid.uuid4().hex[:8]}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "CELERY_WORKER_NICENESS": "0",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def worker_options() -> dict:
    """How `site` starts the worker: a test may parametrize this (see Site.worker_start)."""
    return {}


@pytest.fixture
def site(site_environment, tmp_path, petition, worker_options):
    """Start gunicorn and the worker; stop them, and check their logs, after the test."""
    running = Site(url=f"http://127.0.0.1:{free_port()}", env=site_environment, logs=tmp_path)
    running.web_start()
    running.worker_start(**worker_options)
    wait_for(lambda: _answers(f"{running.url}/petition/{petition.slug}/"), what="gunicorn")
    yield running
    exited = running.exited()
    running.stop()
    # Whatever a test broke, no process gave up: each one recovers without a restart by hand.
    assert not exited, f"ended by themselves: {exited}\n{running.logged()[-4000:]}"
    # No process wrote a confirmation or withdrawal token into its log, whatever happened.
    assert not re.search(r"/(confirm|withdraw)/(?!\[redacted\])[\w:.-]{20,}", running.logged())


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def stored_mailboxes() -> set[str]:
    """Return the keyed hashes of the mailboxes of every signature stored."""
    return set(Signature.objects.values_list("mailbox_hash", flat=True))


def mailboxes_of(addresses) -> set[str]:
    return {mailbox_hash(address) for address in addresses}


def every_stored_signer_mailed_once(smtp_sink: SmtpSink, *, copies_allowed: int = 1) -> None:
    """Wait until every stored signature's address has its confirmation; check it came once.

    `copies_allowed` above 1 is for a sender killed after the server took the message but
    before it heard so: it sends again, with the same Message-ID, which mail systems merge.
    """
    # Rows keep a keyed hash of the mailbox, not the address, once the email has gone.
    stored = stored_mailboxes()

    def mailed() -> set[str]:
        return mailboxes_of(smtp_sink.recipients())

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and (
        not stored <= mailed()
        or Signature.objects.exclude(email_status=Signature.EmailStatus.SENT).exists()
    ):
        time.sleep(0.25)
    unsent = Signature.objects.exclude(mailbox_hash__in=mailed()).values(
        "mailbox_hash", "email_status", "email_error", "confirmation_due_at", "confirmation_sent_at"
    )
    assert list(unsent) == [], f"{len(unsent)} of {len(stored)} signers got no email"
    time.sleep(3)  # a few more sweeps: none may send again
    received = {
        mailbox_hash(address): (address, ids)
        for address, ids in smtp_sink.message_ids_by_recipient().items()
    }
    # One Message-ID per signer: every copy sent was the same email.
    assert {mailbox: len(received[mailbox][1]) for mailbox in stored} == {
        mailbox: 1 for mailbox in stored
    }
    copies = {
        address: len(smtp_sink.to(address))
        for mailbox, (address, _ids) in received.items()
        if mailbox in stored
    }
    assert max(copies.values()) <= copies_allowed, copies
    sent = Signature.objects.filter(email_status=Signature.EmailStatus.SENT)
    assert sent.count() == len(stored)


def signatures_confirm_all() -> None:
    """Confirm every signature as its signer would, through the emailed link."""
    for signature in Signature.objects.all():
        token = signature_links.confirmation_token_make(signature=signature)
        signing.signature_confirm(token=token)


def everyone_confirmed_is_delivered_once(petition: Petition, smtp_sink: SmtpSink) -> None:
    """Confirm every signature, let beat deliver them, and check each went exactly once."""
    signatures_confirm_all()
    petition.delivery_schedule.is_active = True
    petition.delivery_schedule.save()
    confirmed = Signature.objects.confirmed().count()
    wait_for(
        lambda: (
            DeliveredSignature.objects.count() == confirmed
            and not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
        ),
        what=f"the delivery of {confirmed} confirmed signatures",
    )
    carried = DeliveredSignature.objects.values_list("signature_id", flat=True)
    assert sorted(carried) == sorted(Signature.objects.confirmed().values_list("pk", flat=True))
    delivery_ids = {delivery.message_id for delivery in Delivery.objects.all()}
    assert smtp_sink.message_ids_by_recipient()[TARGET_EMAIL] == delivery_ids

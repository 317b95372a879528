"""`make bench`: serve the site as production does, load it from another process, report.

Run with the project's venv from the repository root: `.venv/bin/python -m bench.run`.
It uses its own database (mamat_bench, dropped and made again) and Redis DBs 10 and 11 (or
BENCH_DATABASE_NAME, BENCH_CACHE_URL and BENCH_BROKER_URL), never
the development or test data; everything it starts is stopped when it ends, fails or is
interrupted, and the whole run is bounded (--budget). See README, "Benchmarks".
"""

import argparse
import base64
import contextlib
import fcntl
import json
import os
import re
import resource
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from nacl.public import PrivateKey

from bench import report, signing_form
from bench.report import AT_LEAST, BELOW, EXACTLY, Figure
from bench.wrk import WrkRun, wrk_run

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench"
RESULTS = ROOT / "bench" / "results.json"
PYTHON = ROOT / ".venv" / "bin" / "python"
PROCFILE = ROOT / "Procfile"

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
# Another checkout's run on the same machine names its own (README, "Tests").
DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "mamat_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/10")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
SIGN_PREFIX = "bench-sign"

# Issue 6's targets; issue 12 raised signing (from 500) and emails (from 200), to be met in
# one run.
PAGE_SHARE_OF_CEILING = 0.8
COUNT_SHARE_OF_CEILING = 0.9
SIGNATURES_PER_SECOND = 600
SIGN_P99_MS = 250
EMAILS_PER_SECOND = 400
EXPORT_ROWS = 1_000_000
EXPORT_SECONDS = 10
EXPORT_RSS_MB = 100
# "Flat as rows grow": ten times the rows may cost this much more memory at most.
EXPORT_RSS_GROWTH_MB = 10
DELIVERY_ROWS = 100_000
DELIVERY_SECONDS = 30
DELIVERY_RSS_MB = 200


class BudgetExceeded(Exception):
    """The run reached its time budget."""


def log(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    sys.stdout.write(f"[{elapsed:5.0f}s] {message}\n")
    sys.stdout.flush()


STARTED = time.monotonic()


@dataclass
class Processes:
    """Every long-running process the run started, each in its own process group."""

    running: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: Path = WORK

    def start(self, name: str, command: list[str], *, env: dict[str, str]) -> subprocess.Popen:
        log_file = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped (exit {process.returncode}): see {name}.log")

    def stop_all(self) -> None:
        """Stop in reverse order of starting, as systemd stops our units (KillMode=mixed).

        TERM to each process, which stops its children itself (Celery's warm shutdown: a pool
        process sent TERM directly dies mid-task and logs a WorkerLostError); KILL to what is
        left of its group after 10 s.
        """
        for name, process in reversed(list(self.running.items())):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop in 10 s: killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        self.running.clear()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_process(processes: Processes) -> dict[tuple[str, int], float]:
    """CPU time used so far by each process of the stack, by (role, pid), read from /proc.

    The processes this run started count under their name (with their children: gunicorn's and
    Celery's workers); PostgreSQL and Redis under theirs. wrk has ended before a reading after
    its load, so its own time comes from `resource.getrusage` instead.
    """
    roles_by_group = {process.pid: name for name, process in processes.running.items()}
    used: dict[tuple[str, int], float] = {}
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_path.read_text()
        except OSError:  # the process ended while we read
            continue
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        group, user_ticks, system_ticks = int(fields[2]), int(fields[11]), int(fields[12])
        role = roles_by_group.get(group)
        if role is None and (command == "postgres" or command.startswith("redis-server")):
            role = command.split("-")[0]
        if role is not None:
            used[(role, int(stat_path.parent.name))] = (user_ticks + system_ticks) / CLOCK_TICKS
    return used


def cpu_seconds_spent(
    before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]
) -> dict[str, float]:
    """Which part of the stack spent the machine's cores between two readings, most first.

    Processes that ended in between are not counted (PostgreSQL's backends of short commands).
    """
    spent: dict[str, float] = {}
    for (role, pid), seconds in after.items():
        spent[role] = spent.get(role, 0.0) + seconds - before.get((role, pid), 0.0)
    return {role: round(seconds, 2) for role, seconds in sorted(spent.items(), key=lambda x: -x[1])}


def procfile_command(name: str, env: dict[str, str]) -> list[str]:
    """Return the Procfile's command for process `name`, its ${VAR:-default}s filled from env."""
    for line in PROCFILE.read_text(encoding="utf-8").splitlines():
        process, separator, command = line.partition(":")
        if separator and process.strip() == name:
            filled = re.sub(
                r"\$\{(\w+):-([^}]*)\}",
                lambda match: env.get(match[1]) or match[2],
                command,
            )
            return shlex.split(filled)
    raise RuntimeError(f"The Procfile has no {name!r} process")


def port_free() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_environment(*, port: int, smtp_port: int) -> dict[str, str]:
    """Production's variables, pointed at the benchmark's own database, Redis DBs and SMTP."""
    sealing_key = PrivateKey.generate()
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DATABASE_URL": f"{POSTGRES_SERVER}/{DATABASE_NAME}",
            "REDIS_URL": CACHE_URL,
            "CELERY_BROKER_URL": BROKER_URL,
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BEHIND_TLS_PROXY": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "false",
            "STATIC_ROOT": str(WORK / "static"),
            "MEDIA_ROOT": str(WORK / "media"),
            "DELIVERY_FILES_ROOT": str(WORK / "deliveries"),
            # Keys of this run's own: production refuses to serve without them.
            "SEALING_PUBLIC_KEY": base64.b64encode(bytes(sealing_key.public_key)).decode(),
            # Read by bench/probe.py only, to find the run's sealed addresses again.
            "BENCH_SEALING_PRIVATE_KEY": base64.b64encode(bytes(sealing_key)).decode(),
            "SIGNER_MAILBOX_KEY": secrets.token_urlsafe(32),
            "ACCESS_TRAIL_KEY": secrets.token_urlsafe(32),
            "ERASURE_RECORD_KEY": secrets.token_urlsafe(32),
            "NEWS_ADDRESS_KEY": secrets.token_urlsafe(32),
            "REMINDER_ADDRESS_KEY": secrets.token_urlsafe(32),
            "LEDGER_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    return environment


def services_check() -> None:
    """Stop at once, naming the service, when PostgreSQL or Redis is not running."""
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError as error:
            raise RuntimeError(
                f"{name} is not running on 127.0.0.1:{port}: start it (README, 'Tests')"
            ) from error


def stores_reset() -> None:
    """Drop and make again the benchmark's database; empty its two Redis DBs."""
    import psycopg
    import redis

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
    for url in (CACHE_URL, BROKER_URL):
        redis.Redis.from_url(url).flushdb()


def manage(env: dict[str, str], *arguments: str, timeout: int = 300, logs: Path = WORK) -> None:
    started = time.monotonic()
    with open(logs / "manage.log", "ab") as output:
        subprocess.run(  # noqa: S603
            [str(PYTHON), "manage.py", *arguments],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=True,
        )
    log(f"manage.py {arguments[0]}: {time.monotonic() - started:.1f} s")


def probe(env: dict[str, str], *arguments: str, timeout: int = 120) -> dict:
    completed = subprocess.run(  # noqa: S603
        [str(PYTHON), "-m", "bench.probe", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.probe {arguments[0]} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class ChildMeasure:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output_tail: str


def child_measure(
    command: list[str], *, env: dict[str, str] | None, timeout: float
) -> ChildMeasure:
    """Run a process alone; return its wall time and its own peak resident memory."""
    started = time.monotonic()
    output_path = WORK / "measured-step.log"
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with open(output_path, "w+b") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        tail = output.read()[-2000:].decode(errors="replace")
    # Linux gives ru_maxrss in kibibytes.
    return ChildMeasure(seconds, usage.ru_maxrss / 1024, process.returncode, tail)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http(url: str, *, data: bytes | None = None, headers: dict | None = None):
    """Return (status, headers, body) without following redirects."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def site_wait_ready(url: str, processes: Processes, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        try:
            status, _headers, _body = http(url)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"The site did not answer 200 at {url} within {timeout:.0f} s")


def worker_wait_ready(env: dict[str, str], processes: Processes, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        completed = subprocess.run(  # noqa: S603
            [str(PYTHON.parent / "celery"), "-A", "config", "inspect", "ping", "--timeout=2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        if completed.returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"The Celery worker did not answer a ping within {timeout:.0f} s")


def sink_recipients(path: Path, *, prefix: str, since: float = 0.0) -> list[tuple[float, str]]:
    """Return (time, address) of every message the sink accepted for `prefix-…` addresses."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stamp, address = line.split("\t")[:2]
        if address.startswith(f"{prefix}-") and float(stamp) >= since:
            entries.append((float(stamp), address))
    return entries


def broker_backlog() -> int:
    """Tasks queued or taken but not yet acknowledged by the worker."""
    import redis

    broker = redis.Redis.from_url(BROKER_URL)
    return broker.llen("celery") + broker.hlen("unacked")


def _wrk_figures(name: str, run: WrkRun, *, unit: str = "req/s") -> dict:
    return {
        "requests_per_s": run.requests_per_s,
        "p50_ms": run.p50_ms,
        "p99_ms": run.p99_ms,
        "errors": run.errors,
        "wrk": run.as_dict(),
        "name": name,
        "unit": unit,
    }


@dataclass
class Bench:
    args: argparse.Namespace
    processes: Processes
    env: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    figures: list[Figure] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    site: dict = field(default_factory=dict)
    # The bare view's rate in this run, once the pages step measured it.
    ceiling: float | None = None

    def load(self, name: str, url: str, *, script: Path | None = None, env=None) -> WrkRun:
        """Warm up, then measure: both bounded in time, 64 connections from wrk's own process."""
        self.processes.check_alive()
        options = {
            "connections": self.args.connections,
            "threads": self.args.threads,
            "script": script,
        }
        if self.args.warmup:
            wrk_run(url, seconds=self.args.warmup, env=env, **options)
        cpu_before = cpu_seconds_by_process(self.processes)
        run = wrk_run(url, seconds=self.args.duration, env=env, **options)
        # CPU per request and process, for the capacity model of docs/performance.md.
        self.details.setdefault("cpu_seconds_by_load", {})[name] = {
            "requests": run.requests,
            "by_process": cpu_seconds_spent(cpu_before, cpu_seconds_by_process(self.processes)),
        }
        self._note_machine_load(name)
        log(
            f"{name}: {run.requests_per_s:,.0f} req/s, p50 {run.p50_ms} ms, p99 {run.p99_ms} ms"
            + (f", {run.errors} errors" if run.errors else "")
        )
        return run

    # --- steps -------------------------------------------------------------------------------

    def setup(self) -> None:
        WORK.mkdir(parents=True, exist_ok=True)
        for stale in WORK.glob("*.log"):
            stale.unlink()
        (WORK / "sink.tsv").unlink(missing_ok=True)
        port, smtp_port = port_free(), port_free()
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = bench_environment(port=port, smtp_port=smtp_port)
        self.details["config"] = {
            "celery": "one worker; pool and concurrency from the CELERY_WORKER_* settings",
            "connections": self.args.connections,
            "wrk_threads": self.args.threads,
            "seconds_per_run": self.args.duration,
            "warmup_seconds": self.args.warmup,
            "cores": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
        }
        services_check()
        stores_reset()
        log(f"database {DATABASE_NAME} made afresh; Redis {CACHE_URL} and {BROKER_URL} emptied")
        self.processes.start(
            "smtp-sink",
            [str(PYTHON), "-m", "bench.smtp_sink", "--port", str(smtp_port),
             "--log", str(WORK / "sink.tsv")],
            env=self.env,
        )  # fmt: skip
        manage(self.env, "migrate", "--no-input")
        manage(self.env, "load_campaign")
        manage(self.env, "collectstatic", "--no-input", "--verbosity=0")
        self.site = probe(self.env, "site")
        self.details["site"] = self.site
        # The Procfile's own commands, so that the bench runs what production runs; the ceiling
        # is served by these same gunicorn workers.
        procfile_env = self.env | {
            "PATH": f"{PYTHON.parent}{os.pathsep}{self.env.get('PATH', '')}",
            "BIND_ADDRESS": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        if self.args.workers:
            procfile_env["WEB_CONCURRENCY"] = str(self.args.workers)
        web = procfile_command("web", procfile_env)
        self.details["config"]["gunicorn"] = (
            f"{web[web.index('--workers') + 1]} {self.args.worker_class} workers"
        )
        self.processes.start(
            "gunicorn", [*web, "--worker-class", self.args.worker_class], env=procfile_env
        )
        self.processes.start("celery", procfile_command("worker", procfile_env), env=procfile_env)
        site_wait_ready(self.base_url + self.site["home_url"], self.processes)
        worker_wait_ready(self.env, self.processes)
        log(f"gunicorn on {self.base_url} and the Celery worker are ready")

    def pages(self) -> None:
        home = self.base_url + self.site["home_url"]
        status, _headers, body = http(home)
        if status != 200:
            raise RuntimeError(f"The French case page answered {status}")
        size = len(body)
        self.details["page_bytes"] = size
        # The ceiling is measured before and after the page and the counter and the two are
        # averaged: the machine's speed drifts within a minute, and a ratio of loads measured
        # at different moments would carry that drift.
        ceiling_url = f"{self.base_url}/__bench__/ceiling/?bytes={size}"
        before = self.load("ceiling", ceiling_url)
        page = self.load("page", home)
        # Where a surge arrives: a signer's shared link, as a network passes it on.
        shared = self.load(
            "shared link", f"{self.base_url}{self.site['detail_url']}?src=bench&fbclid=IwAR0b"
        )
        count = self.load("count", self.base_url + self.site["count_url"])
        # What each signer opens from the email, drawn for them alone: no target, a figure to
        # weigh against signing's (the two pages cost a signer's journey most of its CPU).
        links = probe(self.env, "signer-links")
        confirm = self.load("confirm page", self.base_url + links["confirm_url"])
        confirmed = self.load("thanks page", self.base_url + links["confirmed_url"])
        after = self.load("ceiling again", ceiling_url)
        ceiling = (before.requests_per_s + after.requests_per_s) / 2
        self.ceiling = ceiling
        self.details["ceiling"] = _wrk_figures("ceiling", before)
        self.details["ceiling_again"] = _wrk_figures("ceiling again", after)
        self.details["page"] = _wrk_figures("page", page)
        self.details["shared_link"] = _wrk_figures("shared link", shared)
        self.details["count"] = _wrk_figures("count", count)
        self.details["confirm_page"] = _wrk_figures("confirm page", confirm)
        self.details["thanks_page"] = _wrk_figures("thanks page", confirmed)
        self.figures += [
            Figure("ceiling", ceiling, "req/s", note="reference: mean of before and after"),
            Figure(
                "page (French case page, first visit)",
                page.requests_per_s,
                "req/s",
                PAGE_SHARE_OF_CEILING * ceiling,
                AT_LEAST,
                f"{PAGE_SHARE_OF_CEILING} × ceiling",
            ),
            Figure("page p50", page.p50_ms, "ms"),
            Figure("page p99", page.p99_ms, "ms"),
            Figure(
                "shared link (petition page, ?src=…)",
                shared.requests_per_s,
                "req/s",
                PAGE_SHARE_OF_CEILING * ceiling,
                AT_LEAST,
                f"{PAGE_SHARE_OF_CEILING} × ceiling",
            ),
            Figure("shared link p99", shared.p99_ms, "ms"),
            Figure(
                "count (JSON)",
                count.requests_per_s,
                "req/s",
                COUNT_SHARE_OF_CEILING * ceiling,
                AT_LEAST,
                f"{COUNT_SHARE_OF_CEILING} × ceiling",
            ),
            Figure("count p99", count.p99_ms, "ms"),
            Figure("confirm page (a signer's link)", confirm.requests_per_s, "req/s"),
            Figure("thanks page (after confirming)", confirmed.requests_per_s, "req/s"),
        ]
        errors = (
            page.errors
            + shared.errors
            + before.errors
            + after.errors
            + count.errors
            + confirm.errors
            + confirmed.errors
        )
        if errors:
            self.figures.append(Figure("pages, count + ceiling errors", errors, "", 0, EXACTLY))

    def _signature_form(self) -> tuple[str, signing_form.HtmlForm, str] | None:
        """Return (page URL, form, csrftoken cookie) as a first visit gets them."""
        candidates = [self.site["home_url"], self.site["detail_url"]]
        for path in filter(None, candidates):
            url = self.base_url + path
            status, headers, body = http(url)
            form = signing_form.signature_form_find(body.decode())
            if status == 200 and form is not None:
                cookies = SimpleCookie()
                for header in headers.get_all("Set-Cookie") or []:
                    cookies.load(header)
                token = cookies["csrftoken"].value if "csrftoken" in cookies else ""
                return url, form, token
        return None

    def sign(self) -> None:
        found = self._signature_form()
        if found is None:
            raise RuntimeError("No signature form on the case page or the petition page.")
        page_url, form, csrf_cookie = found
        action = signing_form.form_action_url(form, page_url)
        body = signing_form.signature_form_body(form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Origin": self.base_url,
            "Referer": page_url,
        }
        # One signature by hand first: a form the harness fills wrongly must not pass for load.
        check_email = f"{SIGN_PREFIX}-check%40bench.example.org"
        status, _headers, answer = http(
            action,
            data=body.replace(signing_form.EMAIL_PLACEHOLDER, check_email).encode(),
            headers=headers,
        )
        if not 300 <= status < 400:
            snippet = re.sub(r"\s+", " ", answer.decode(errors="replace"))
            errors = re.findall(r"invalid-feedback[^>]*>(.*?)</", snippet)
            raise RuntimeError(
                f"The signature form was refused ({status}) before any load: "
                f"{errors or snippet[:500]}"
            )
        accepted = 1
        path = action.removeprefix(self.base_url)
        sign_env = dict(os.environ) | {
            "BENCH_SIGN_BODY": body,
            "BENCH_SIGN_PATH": path,
            "BENCH_SIGN_COOKIE": headers["Cookie"],
            "BENCH_SIGN_ORIGIN": self.base_url,
            "BENCH_SIGN_REFERER": page_url,
        }
        script = ROOT / "bench" / "sign.lua"
        sign_started = time.time()
        runs = {}
        for phase, seconds in (("w", self.args.warmup), ("m", self.args.duration)):
            if not seconds:
                continue
            if phase == "m":
                cpu_before = cpu_seconds_by_process(self.processes)
                wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            runs[phase] = wrk_run(
                action,
                seconds=seconds,
                connections=self.args.connections,
                threads=self.args.threads,
                script=script,
                env=sign_env | {"BENCH_SIGN_PREFIX": f"{SIGN_PREFIX}-{phase}"},
            )
            accepted += runs[phase].script_report.get("accepted", 0)
        run = runs["m"]
        wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_spent = cpu_seconds_spent(cpu_before, cpu_seconds_by_process(self.processes))
        cpu_spent["wrk"] = round(
            wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime,
            2,
        )
        log(f"sign: CPU seconds spent in {run.duration_s:.0f} s, by process: {cpu_spent}")
        self._note_machine_load("sign")
        signatures_per_s = run.script_report.get("accepted", 0) / run.duration_s
        log(
            f"sign: {signatures_per_s:,.0f} signatures/s, p50 {run.p50_ms} ms, "
            f"p99 {run.p99_ms} ms, {run.script_report}"
        )
        signed_until = time.time()
        drained = self._drain(expected=accepted, timeout=self.args.drain_timeout)
        stored = probe(self.env, "signatures", "--prefix", SIGN_PREFIX)
        stored_emails = set(stored["stored"])
        received = sink_recipients(WORK / "sink.tsv", prefix=SIGN_PREFIX)
        received_emails = {address for _stamp, address in received}
        signatures_lost = max(accepted - len(stored_emails), 0)
        emails_lost = len(stored_emails - received_emails)
        stamps = sorted(stamp for stamp, _address in received)
        drain_seconds = (stamps[-1] - sign_started) if stamps else None
        self.details["sign"] = {
            "signatures_per_s": signatures_per_s,
            "accepted": accepted,
            "stored": len(stored_emails),
            # Requests still in flight when wrk stops are served after it stopped listening:
            # stored, never answered; at most one per connection per run.
            "stored_without_answer": max(len(stored_emails) - accepted, 0),
            "in_flight_when_wrk_stopped_at_most": self.args.connections * len(runs),
            "marked_sent_in_database": stored["sent"],
            "emails_received": len(received),
            "emails_duplicated": len(received) - len(received_emails),
            "signatures_lost": signatures_lost,
            "emails_lost": emails_lost,
            "drained": drained,
            "last_email_after_signing_ended_s": (stamps[-1] - signed_until) if stamps else None,
            "emails_per_s_while_signing": (len(received) / drain_seconds)
            if drain_seconds
            else None,
            "wrk": {phase: each.as_dict() for phase, each in runs.items()},
            "cpu_seconds_by_process": cpu_spent,
        }
        self.figures += [
            Figure(
                "sign (signatures accepted)",
                signatures_per_s,
                "/s",
                SIGNATURES_PER_SECOND,
                AT_LEAST,
            ),
            Figure("sign p50", run.p50_ms, "ms"),
            Figure("sign p99", run.p99_ms, "ms", SIGN_P99_MS, BELOW),
            # Signing over the same run's bare view: a figure that days of different speed
            # (this VM's drift up to 2×) and other builds can be compared by.
            Figure(
                "sign ÷ ceiling",
                signatures_per_s / self.ceiling if self.ceiling else None,
                "",
                note="no ceiling: run the pages step too",
            ),
            Figure(
                f"signatures lost (of {accepted:,} accepted)".replace(",", " "),
                signatures_lost,
                "",
                0,
                EXACTLY,
            ),
            Figure(
                f"emails lost (of {len(stored_emails):,} stored)".replace(",", " "),
                emails_lost,
                "",
                0,
                EXACTLY,
            ),
        ]
        self.emails()

    def _drain(self, *, expected: int, timeout: float) -> bool:
        """Wait until the worker has sent what it owes: the broker is empty and the sink full."""
        deadline = time.monotonic() + timeout
        settled_since = None
        while time.monotonic() < deadline:
            self.processes.check_alive()
            received = len(sink_recipients(WORK / "sink.tsv", prefix=SIGN_PREFIX))
            if broker_backlog() == 0 and received >= expected:
                settled_since = settled_since or time.monotonic()
                if time.monotonic() - settled_since > 1.0:
                    return True
            else:
                settled_since = None
            time.sleep(0.25)
        log(f"the worker had not drained after {timeout:.0f} s: counting what arrived")
        return False

    def emails(self) -> None:
        """Owe a batch of signers their email again, all at once, and time the worker's sending."""
        since = time.time()
        cpu_before = cpu_seconds_by_process(self.processes)
        queued = probe(
            self.env,
            "confirmations-queue",
            "--prefix",
            SIGN_PREFIX,
            "--limit",
            str(self.args.emails),
        )
        expected = set(queued["emails"])
        deadline = time.monotonic() + self.args.drain_timeout
        received: list[tuple[float, str]] = []
        while time.monotonic() < deadline:
            self.processes.check_alive()
            received = sink_recipients(WORK / "sink.tsv", prefix=SIGN_PREFIX, since=since)
            if {address for _stamp, address in received} >= expected:
                break
            time.sleep(0.25)
        cpu_spent = cpu_seconds_spent(cpu_before, cpu_seconds_by_process(self.processes))
        stamps = sorted(stamp for stamp, _address in received)
        per_s = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else None
        lost = len(expected - {address for _stamp, address in received})
        self.details["emails"] = {
            "queued": queued["queued"],
            "queue_seconds": queued["queue_seconds"],
            "received": len(received),
            "emails_per_s": per_s,
            "lost": lost,
            "cpu_seconds_by_process": cpu_spent,
        }
        log(f"emails: {queued['queued']} queued, {len(received)} received, {per_s or 0:.0f}/s")
        log(f"emails: CPU seconds spent, by process: {cpu_spent}")
        self.figures += [
            Figure("emails (sent to SMTP)", per_s, "/s", EMAILS_PER_SECOND, AT_LEAST),
            Figure(
                f"emails lost (of {queued['queued']:,} queued)".replace(",", " "),
                lost,
                "",
                0,
                EXACTLY,
            ),
        ]

    def _measured_probe(self, *arguments: str, timeout: float) -> ChildMeasure:
        measure = child_measure(
            [str(PYTHON), "-m", "bench.probe", *arguments], env=self.env, timeout=timeout
        )
        if measure.returncode != 0:
            raise RuntimeError(f"bench.probe {arguments[0]} failed:\n{measure.output_tail}")
        return measure

    def export_and_delivery(self) -> None:
        baseline = self._measured_probe("idle", timeout=60)
        self.details["django_process_rss_mb"] = baseline.peak_rss_mb
        steps = (
            ("export 1M rows", 300, self._export),
            ("delivery 100k", 120, self._delivery),
        )
        for figure_name, seconds_needed, measure in steps:
            if self._time_left() < seconds_needed:
                self.figures.append(Figure(figure_name, None, "s", note="skipped: time budget"))
            else:
                measure()

    def _rows(self, slug: str, count: int) -> None:
        made = probe(self.env, "rows", "--slug", slug, "--count", str(count), timeout=400)
        log(f"{count:,} signatures written for {slug} in {made['seconds']:.1f} s")

    def _export(self) -> None:
        measures = {}
        for slug, rows in (("bench-delivery", DELIVERY_ROWS), ("bench-export", EXPORT_ROWS)):
            self._rows(slug, rows)
            output = WORK / f"{slug}.csv"
            measures[rows] = self._measured_probe(
                "export", "--slug", slug, "--output", str(output), timeout=120
            )
            measure = measures[rows]
            log(f"export {rows:,}: {measure.seconds:.1f} s, {measure.peak_rss_mb:.0f} MB")
        big, small = measures[EXPORT_ROWS], measures[DELIVERY_ROWS]
        self.details["export"] = {
            str(rows): {"seconds": each.seconds, "peak_rss_mb": each.peak_rss_mb}
            for rows, each in measures.items()
        }
        self.figures += [
            Figure("export 1M rows", big.seconds, "s", EXPORT_SECONDS, BELOW),
            Figure("export peak RSS", big.peak_rss_mb, "MB", EXPORT_RSS_MB, BELOW),
            Figure(
                "export RSS growth 100k→1M",
                big.peak_rss_mb - small.peak_rss_mb,
                "MB",
                EXPORT_RSS_GROWTH_MB,
                BELOW,
                "flat",
            ),
        ]

    def _delivery(self) -> None:
        self._rows("bench-delivery", DELIVERY_ROWS)
        output = WORK / "delivery"
        output.mkdir(exist_ok=True)
        measure = self._measured_probe(
            "delivery", "--slug", "bench-delivery", "--output", str(output), timeout=300
        )
        log(f"delivery: {measure.seconds:.1f} s, {measure.peak_rss_mb:.0f} MB")
        self.details["delivery"] = {
            "seconds": measure.seconds,
            "peak_rss_mb": measure.peak_rss_mb,
            "printed": measure.output_tail,
        }
        self.figures += [
            Figure("delivery 100k", measure.seconds, "s", DELIVERY_SECONDS, BELOW),
            Figure("delivery peak RSS", measure.peak_rss_mb, "MB", DELIVERY_RSS_MB, BELOW),
        ]

    def _note_machine_load(self, step: str) -> None:
        """Keep the 1-minute load average after each load: above 2, something else ran too."""
        self.details.setdefault("load_average_after", {})[step] = os.getloadavg()[0]

    def _time_left(self) -> float:
        return self.args.budget - (time.monotonic() - STARTED)


# The steps a run takes, in order, by the name --steps knows them by.
STEPS = {"pages": "pages", "sign": "sign", "export": "export_and_delivery"}


def arguments_parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--duration", type=int, default=12, help="seconds measured per load")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: the Procfile's)"
    )
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--emails", type=int, default=3000, help="confirmations re-sent")
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--budget", type=int, default=14 * 60, help="seconds for the whole run")
    parser.add_argument(
        "--steps",
        type=_steps_parse,
        default=list(STEPS),
        help=f"comma-separated steps to run, of {', '.join(STEPS)} (for working on one figure)",
    )
    return parser.parse_args(argv)


def _steps_parse(text: str) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(STEPS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown steps: {', '.join(unknown)}")
    return chosen


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _over_budget(_signum, _frame):
    raise BudgetExceeded


def another_run_exclude() -> object | None:
    """Hold a lock for the whole run; None if another run holds it.

    Two runs at once would share the database, the Redis DBs and the machine's cores, and
    each would report the other's load as its own.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    lock = open(WORK / "run.lock", "w")  # noqa: SIM115 (held open until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


def main(argv: list[str] | None = None) -> int:
    args = arguments_parse(argv)
    lock = another_run_exclude()
    if lock is None:
        print("Another benchmark run is going on: wait for it to end.", file=sys.stderr)
        return 2
    for stop_signal in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(stop_signal, _interrupted)
    signal.signal(signal.SIGALRM, _over_budget)
    signal.alarm(args.budget)
    processes = Processes()
    bench = Bench(args=args, processes=processes)
    failure = None
    try:
        bench.setup()
        for step in (getattr(bench, STEPS[name]) for name in args.steps):
            try:
                step()
            except (subprocess.SubprocessError, OSError, RuntimeError, ValueError) as error:
                # One broken step must not hide the others' figures.
                log(f"{step.__name__} failed: {error}")
                bench.details.setdefault("step_failures", {})[step.__name__] = str(error)
                failure = f"{step.__name__} failed: {error}"
    except BudgetExceeded:
        failure = f"stopped at the time budget ({args.budget} s)"
    except KeyboardInterrupt:
        failure = "interrupted"
    except Exception as error:  # the table still shows what was measured before it
        failure = f"{type(error).__name__}: {error}"
    finally:
        signal.alarm(0)
        processes.stop_all()
    bench.details["seconds"] = round(time.monotonic() - STARTED, 1)
    if failure:
        bench.details["failure"] = failure
    report.results_write(RESULTS, figures=bench.figures, details=bench.details)
    print()
    print(report.figures_table(bench.figures))
    print()
    print(f"Written to {RESULTS.relative_to(ROOT)}; logs in {WORK.relative_to(ROOT)}/.")
    if failure:
        print(f"The run did not finish: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

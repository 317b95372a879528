"""`make scale`: the site on several nodes behind nginx, a node and a worker killed mid-surge.

Run from the repository root with the project's venv: `.venv/bin/python -m bench.scale`.
It starts, from the files of deploy/ (the systemd units' commands, the nginx site rendered by
deploy/render.py): nginx on 127.0.0.1, a web node on 127.0.0.2 and one on 127.0.0.3, two
Celery workers, two beats and an SMTP sink, on PostgreSQL and Redis as they run (a database
and two Redis DBs of its own). wrk signs through nginx with the real form and CSRF token;
in the middle one web node and one worker are SIGKILLed and started again later, and staff
edit the case page in the admin while the node is down, then once more. It then checks that
nothing was lost or done twice and writes bench/scale-results.json. See docs/performance.md.
"""

import argparse
import fcntl
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import scale_evidence, signing_form
from bench.run import (
    PYTHON,
    Processes,
    bench_environment,
    http,
    log,
    manage,
    port_free,
    probe,
    services_check,
    worker_wait_ready,
)
from bench.scale_timeline import Timeline, pages_watch, status_of
from bench.wrk import wrk_run

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "scale"  # the default of --work
STATIC_ROOT = ROOT / "build" / "scale" / "static"
RESULTS = ROOT / "bench" / "scale-results.json"
UNITS = ROOT / "deploy" / "systemd"
NODES = ("127.0.0.2", "127.0.0.3")
SIGN_PREFIX = "scale-sign"
# The beat entries whose sends are checked for a second schedule, with their intervals.
CONFIRMED_AFTER_SURGE = 200
CHECKED_BEAT_ENTRIES = {"petitions-confirmations-send": 10.0, "petitions-counts-reconcile": 30.0}


def unit_command(unit: str, env: dict[str, str]) -> list[str]:
    """The unit's ExecStart, its ${VAR}s from env, the release's path pointed at this checkout."""
    text = (UNITS / f"mamat-{unit}.service").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=").replace("/srv/mamat/.venv/", f"{ROOT}/.venv/")
    return shlex.split(re.sub(r"\$\{(\w+)\}", lambda match: env[match[1]], command))


def nginx_standalone_write(directory: Path, *, port: int, values: dict[str, str]) -> list[str]:
    """Write an nginx of its own in `directory` with deploy/render.py; return its command."""
    settings = [
        argument for key, value in values.items() for argument in ("--set", f"{key}={value}")
    ]
    rendered = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy" / "render.py"), *settings,
         f"--listen=127.0.0.1:{port}", f"--standalone={directory}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (directory / "nginx.conf").write_text(rendered)
    return ["nginx", "-e", "stderr", "-p", str(directory), "-c", str(directory / "nginx.conf"),
            "-g", "daemon off;"]  # fmt: skip


def stores_reset(database_url: str, redis_urls: list[str]) -> None:
    import psycopg
    import redis

    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    for url in redis_urls:
        redis.Redis.from_url(url).flushdb()


def static_collected_is_current(static_root: Path) -> bool:
    """Whether a previous run's collectstatic is newer than every static source (30 s saved)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [ROOT / "static", ROOT / "build" / "static"]
    newest = max(path.stat().st_mtime for folder in sources for path in folder.rglob("*"))
    return manifest.stat().st_mtime > newest


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def wait_until(condition, *, what: str, seconds: float, processes: Processes) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.check_alive()
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"Timed out after {seconds:.0f} s waiting for {what}")


class Scale:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.processes = Processes(logs=args.work)
        self.results: dict = {"config": vars(args).copy()}
        self.env: dict[str, str] = {}
        self.base_url = ""
        self.node_port = 0

    # --- starting what production runs --------------------------------------------------------

    def redis_start(self) -> str:
        """A redis-server of the run's own, as Redis runs (nothing kept on disk); its URL.

        The machine's Redis is shared: another checkout's tests empty its DBs at any moment,
        taking beat's lock and the broker's queue with them, which would be their fault, not
        the site's. --cache-url and --broker-url point the run at a Redis already running.
        """
        port = port_free()
        self.processes.start(
            "redis",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.work)],
            env=dict(os.environ),
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}"
        wait_until(
            lambda: redis_answers(url),
            what="the run's redis-server",
            seconds=20,
            processes=self.processes,
        )
        return url

    def setup(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        for stale in [
            *self.work.glob("*.log"),
            *self.work.glob("accepted/*"),
            self.work / "sink.tsv",
        ]:
            stale.unlink(missing_ok=True)
        (self.work / "accepted").mkdir(exist_ok=True)
        nginx_port, smtp_port, self.node_port = port_free(), port_free(), port_free()
        self.base_url = f"http://127.0.0.1:{nginx_port}"
        if not (self.args.cache_url and self.args.broker_url):
            redis_url = self.redis_start()
            self.args.cache_url = self.args.cache_url or f"{redis_url}/0"
            self.args.broker_url = self.args.broker_url or f"{redis_url}/1"
        self.env = bench_environment(port=nginx_port, smtp_port=smtp_port) | {
            "DATABASE_URL": self.args.database_url,
            "REDIS_URL": self.args.cache_url,
            "CELERY_BROKER_URL": self.args.broker_url,
            # The release's static files, collected once and kept between runs.
            "STATIC_ROOT": str(STATIC_ROOT),
            "MEDIA_ROOT": str(self.work / "media"),
            "DELIVERY_FILES_ROOT": str(self.work / "private" / "deliveries"),
            "EXPORT_FILES_ROOT": str(self.work / "private" / "exports"),
            # Behind nginx, as deploy/mamat.env.example says.
            "TRUSTED_PROXY_COUNT": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "PORT": str(self.node_port),
            "WEB_CONCURRENCY": str(self.args.web_workers),
            "CELERY_WORKER_CONCURRENCY": str(self.args.worker_concurrency),
            # As on machines of their own (deploy/mamat.env.example): in the idle class they
            # would send nothing while other work keeps this shared machine's cores busy.
            "CELERY_WORKER_NICENESS": "0",
            "LOG_LEVEL": "INFO",
            "PATH": f"{PYTHON.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        services_check()
        stores_reset(self.args.database_url, [self.args.cache_url, self.args.broker_url])
        manage(self.env, "migrate", "--no-input", logs=self.work)
        manage(self.env, "load_campaign", logs=self.work)
        if not static_collected_is_current(STATIC_ROOT):
            manage(self.env, "collectstatic", "--no-input", logs=self.work)
        self.processes.start(
            "smtp-sink",
            [str(PYTHON), "-m", "bench.smtp_sink", "--port", str(smtp_port),
             "--log", str(self.work / "sink.tsv")],
            env=self.env,
        )  # fmt: skip
        for number in (1, 2):
            self.web_start(number)
            self.worker_start(number)
            beat_env = self.env | {
                "CELERY_BEAT_SCHEDULE_FILE": str(self.work / f"beat-{number}.db"),
                # The line beat writes for each task it sends, which tells which beat sent what
                # (scale_evidence.beats_judge), is logged at DEBUG only.
                "LOG_LEVEL": "DEBUG",
            }
            self.processes.start(f"beat-{number}", unit_command("beat", beat_env), env=beat_env)
        self.nginx_start(nginx_port)
        for address in NODES:
            node = f"http://{address}:{self.node_port}"
            wait_until(
                lambda node=node: status_of(f"{node}/readyz") == 200,
                what=f"the node on {node} to be ready",
                seconds=90,
                processes=self.processes,
            )
        wait_until(
            lambda: status_of(f"{self.base_url}/") == 200,
            what="nginx",
            seconds=30,
            processes=self.processes,
        )
        worker_wait_ready(self.env, self.processes)
        log(f"nginx on {self.base_url}; web nodes on {', '.join(NODES)}:{self.node_port}; ready")

    def web_start(self, number: int) -> None:
        node_env = self.env | {"BIND_ADDRESS": NODES[number - 1]}
        self.processes.start(f"web-{number}", unit_command("web", node_env), env=node_env)

    def worker_start(self, number: int) -> None:
        # Two workers on one machine need names of their own; on two machines they have them.
        command = [*unit_command("worker", self.env), "--hostname", f"scale-{number}@%h"]
        self.processes.start(f"worker-{number}", command, env=self.env)

    def nginx_start(self, port: int) -> None:
        directory = self.work / "nginx"
        directory.mkdir(exist_ok=True)
        (directory / "mamat-access.log").unlink(missing_ok=True)
        command = nginx_standalone_write(
            directory,
            port=port,
            values={
                "SITE_URL": self.base_url,
                "WEB_NODES": ",".join(f"{address}:{self.node_port}" for address in NODES),
                "MEDIA_ROOT": self.env["MEDIA_ROOT"],
            },
        )
        self.processes.start("nginx", command, env=self.env)

    def kill(self, name: str) -> None:
        """SIGKILL a process and its children at once, as a machine lost or the OOM killer."""
        process = self.processes.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # Its children too: a gunicorn worker still exiting holds the node's listening socket,
        # where the kernel would take a connection that only a reset then answers.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        raise RuntimeError(f"{name}'s processes outlived SIGKILL by 10 s")

    # --- the surge ----------------------------------------------------------------------------

    def surge(self) -> None:
        page_url = self.base_url + "/"
        status, headers, body = http(page_url)
        form = signing_form.signature_form_find(body.decode())
        if status != 200 or form is None:
            raise RuntimeError(f"No signature form on the case page through nginx ({status})")
        cookie = next(
            value.split(";")[0]
            for value in headers.get_all("Set-Cookie") or []
            if value.startswith("csrftoken=")
        )
        action = signing_form.form_action_url(form, page_url)
        editor = probe(self.env, *staff_editor_probe_arguments(self.args.editor_password))
        timeline = Timeline(scale=self, editor=editor)
        watch = pages_watch(NODES, self.node_port, timeline)
        sign_env = dict(os.environ) | {
            "BENCH_SIGN_BODY": signing_form.signature_form_body(form),
            "BENCH_SIGN_PATH": action.removeprefix(self.base_url),
            "BENCH_SIGN_COOKIE": cookie,
            "BENCH_SIGN_ORIGIN": self.base_url,
            "BENCH_SIGN_REFERER": page_url,
            "BENCH_SIGN_PREFIX": SIGN_PREFIX,
            "BENCH_SIGN_ACCEPTED_DIR": str(self.work / "accepted"),
        }
        thread = threading.Thread(target=timeline.run, daemon=True)
        log(f"surge: {self.args.duration} s through nginx, {self.args.connections} connections")
        thread.start()
        run = wrk_run(
            action,
            seconds=self.args.duration,
            connections=self.args.connections,
            threads=self.args.connections,  # one connection a thread: see bench/sign.lua
            script=ROOT / "bench" / "sign.lua",
            env=sign_env,
        )
        thread.join(timeout=120)
        timeline.shown_everywhere(seconds=30)
        watch.stop()
        self.results["wrk"] = run.as_dict()
        self.results["timeline"] = timeline.events
        self.results["edits"] = timeline.propagation()
        log(f"surge: {run.script_report}, {run.requests_per_s:.0f} req/s, p99 {run.p99_ms} ms")

    # --- the reckoning ------------------------------------------------------------------------

    def reckon(self) -> None:
        accepted = scale_evidence.accepted_addresses(self.work / "accepted")
        stored_report = self._drained(accepted)
        stored = set(stored_report["stored"])
        received = scale_evidence.sink_messages(self.work / "sink.tsv", prefix=SIGN_PREFIX)
        self.results["signatures"] = {
            "accepted_by_the_proxy": len(accepted),
            "stored": len(stored),
            "accepted_and_stored": len(accepted & stored),
            "accepted_but_lost": len(accepted - stored),
            # Answered 502 (their node died holding them) or in flight when wrk stopped:
            # stored, yet the signer saw no thanks; signing again finds them.
            "stored_without_an_acceptance": len(stored - accepted),
            "marked_sent_in_database": stored_report["sent"],
        }
        self.results["emails"] = scale_evidence.emails_judge(stored, received)
        self.results["count"] = self._count_reconciled()
        self.results["beats"] = scale_evidence.beats_judge(
            {name: self.work / f"{name}.log" for name in ("beat-1", "beat-2")},
            intervals=CHECKED_BEAT_ENTRIES,
        )
        self.results["proxy"] = scale_evidence.proxy_judge(self.work / "nginx" / "mamat-access.log")

    def _drained(self, accepted: set[str]) -> dict:
        """Wait until every stored signature's email is recorded sent; return the probe's report."""
        deadline = time.monotonic() + self.args.drain_timeout
        while True:
            report = probe(self.env, "signatures", "--prefix", SIGN_PREFIX)
            if report["sent"] == len(report["stored"]) >= len(accepted):
                time.sleep(3)  # a few more sweeps: none may send again
                return probe(self.env, "signatures", "--prefix", SIGN_PREFIX)
            if time.monotonic() > deadline:
                log("the workers had not sent every email in time: counting what arrived")
                return report
            time.sleep(2)

    def _count_reconciled(self) -> dict:
        """Confirm some signers as their email's link would; wait for beat's reconciliation.

        Each confirmation moves the cached count; beat then writes the true one over it: the
        count the site shows, the one beat stored and the confirmed rows must agree.
        """
        confirmed = probe(
            self.env, "confirm", "--prefix", SIGN_PREFIX, "--limit", str(CONFIRMED_AFTER_SURGE)
        )
        confirmed_at = confirmed["at"]
        deadline = time.monotonic() + 45
        counts = probe(self.env, "counts")
        while (counts["reconciled_at"] or 0) <= confirmed_at and time.monotonic() < deadline:
            time.sleep(2)
            counts = probe(self.env, "counts")
        slug = probe(self.env, "site")["count_url"]
        status, _headers, body = http(self.base_url + slug)
        counts["shown_by_the_site"] = json.loads(body)["count"] if status == 200 else None
        return counts


def arguments_parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--duration", type=int, default=36, help="seconds of signing")
    parser.add_argument("--kill-at", type=float, default=12, help="seconds into the surge")
    parser.add_argument("--down-for", type=float, default=10, help="seconds before restarting")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--budget", type=int, default=540, help="seconds for the whole run")
    server = "postgres://postgres@127.0.0.1:5432"
    parser.add_argument("--database-url", default=f"{server}/mamat_scale")
    parser.add_argument("--cache-url", default="", help="default: a redis-server of its own")
    parser.add_argument("--broker-url", default="", help="default: a redis-server of its own")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--work", type=Path, default=WORK, help="logs and files of the run")
    args = parser.parse_args(argv)
    args.editor_password = secrets.token_urlsafe(16)
    return args


def staff_editor_probe_arguments(password: str) -> list[str]:
    """The probe's arguments for the staff editor, the password as one "--password=…": a drawn
    password may start with "-", which argparse would take for an option (1 run in 64 failed)."""
    return ["staff-editor", f"--password={password}"]


def main(argv: list[str] | None = None) -> int:
    args = arguments_parse(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    lock = open(args.work / "run.lock", "w")  # noqa: SIM115 (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("Another `make scale` is running: wait for it to end.", file=sys.stderr)
        return 2

    def over_budget(_signum, _frame):
        raise TimeoutError(f"stopped at the time budget ({args.budget} s)")

    signal.signal(signal.SIGALRM, over_budget)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("interrupted"))
    signal.alarm(args.budget)
    scale = Scale(args)
    started = time.monotonic()
    failure = None
    try:
        scale.setup()
        scale.surge()
        scale.reckon()
    except (Exception, KeyboardInterrupt) as error:
        failure = f"{type(error).__name__}: {error}"
    finally:
        signal.alarm(0)
        scale.processes.stop_all()
    results = scale.results
    results["seconds"] = round(time.monotonic() - started, 1)
    broken = [failure] if failure else scale_evidence.verdict(results)
    results["passed"], results["broken"] = not broken, broken
    args.results.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps({key: results.get(key) for key in (
        "signatures", "emails", "count", "beats", "proxy", "edits", "seconds", "broken"
    )}, indent=2, default=str))  # fmt: skip
    print(f"{'PASS' if not broken else 'FAIL'}: written to {args.results}; logs in {args.work}/")
    return 0 if not broken else 1


if __name__ == "__main__":
    sys.exit(main())

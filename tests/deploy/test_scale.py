"""`make scale`, shortened: two nodes behind nginx, one of them and a worker killed mid-surge.

The same program as `make scale` (bench/scale.py), with a 14 s surge instead of 36 and the node
down 5 s instead of 10, on a database of its own (and, like make scale, a redis-server of its own).
"""

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from bench.scale import nginx_standalone_write
from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("wrk")),
    reason="nginx and wrk are not installed (.ci/run installs them)",
)


def test_a_node_and_a_worker_killed_mid_surge_lose_nothing_and_double_nothing(tmp_path):
    database = settings.DATABASES["default"]
    results = tmp_path / "scale-results.json"

    run = subprocess.run(
        [sys.executable, "-m", "bench.scale",
         "--duration", "14", "--kill-at", "3", "--down-for", "5", "--budget", "240",
         "--database-url",
         f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
         f"{database['PORT'] or 5432}/{database['NAME']}_scale",
         "--work", str(tmp_path / "work"), "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    report = json.loads(results.read_text())
    signatures = report["signatures"]
    assert signatures["accepted_by_the_proxy"] > 100
    assert signatures["accepted_but_lost"] == 0
    assert signatures["marked_sent_in_database"] == signatures["stored"]
    assert report["emails"]["stored_signers_not_mailed"] == 0
    assert report["emails"]["signers_sent_two_different_emails"] == 0
    assert report["count"]["reconciled_count"] == report["count"]["confirmed_rows"] > 0
    assert report["beats"]["beats_that_sent"] == 1
    assert report["proxy"]["posts_passed_on_after_reaching_a_node"] == 0
    # The edit made while both nodes were up showed on both within the bound of the README.
    both_up = report["edits"][-1]["seconds_to_show_by_node"]
    assert max(both_up.values()) < 3, both_up


class _NodeCountingBytes(BaseHTTPRequestHandler):
    def do_POST(self):
        received = len(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(str(received).encode())

    def log_message(self, *args):
        pass


def test_staff_upload_a_photo_through_the_nginx_of_make_scale(tmp_path):
    # Above client_body_buffer_size (16 KB), nginx buffers the body in its temp folder, which
    # its workers must be able to write even when make scale runs as root.
    node = ThreadingHTTPServer(("127.0.0.2", 0), _NodeCountingBytes)
    threading.Thread(target=node.serve_forever, daemon=True).start()
    port = free_port()
    command = nginx_standalone_write(
        tmp_path,
        port=port,
        values={
            "SITE_URL": f"http://127.0.0.1:{port}",
            "WEB_NODES": f"127.0.0.2:{node.server_port}",
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
    )
    nginx = subprocess.Popen(command)
    photo = b"\xff" * (2 * 1024 * 1024)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        upload = urllib.request.Request(
            f"http://127.0.0.1:{port}/admin/campaign/page/1/change/", data=photo
        )
        with urllib.request.urlopen(upload, timeout=30) as response:
            answer = response.read()
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        node.shutdown()

    assert answer == str(len(photo)).encode()

"""The shipped nginx configuration, rendered as an operator would, checked by nginx itself."""

import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.scale import nginx_standalone_write
from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "deploy" / "render.py"
EXAMPLE_ENV = ROOT / "deploy" / "mamat.env.example"

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (.ci/run installs it)"
)


def render(values: dict[str, object], *options: str) -> str:
    """Run deploy/render.py as an operator would, with `values` as the environment file's."""
    settings = [
        argument for key, value in values.items() for argument in ("--set", f"{key}={value}")
    ]
    return subprocess.run(
        [sys.executable, str(RENDER), *settings, *options],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def nginx_test(config: Path, directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["nginx", "-t", "-e", "stderr", "-p", str(directory), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_production_site_from_the_sample_environment_passes_nginx_t(tmp_path):
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=mamat.example.org", "-keyout", str(key), "-out", str(certificate)],
        capture_output=True, check=True,
    )  # fmt: skip
    site = render(
        {
            "TLS_CERTIFICATE": certificate,
            "TLS_CERTIFICATE_KEY": key,
            "NGINX_LOG_DIR": tmp_path,
        },
        "--env",
        str(EXAMPLE_ENV),
    )
    # As Debian's nginx.conf includes it: inside its http block.
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n"
        f"include /etc/nginx/mime.types;\n{site}\n}}\n"
    )

    checked = nginx_test(config, tmp_path)

    assert checked.returncode == 0, checked.stderr
    assert "listen 443 ssl" in site and "return 301 https://" in site
    # certbot's webroot challenge is answered on port 80, not redirected to a site without a
    # certificate yet.
    port_80 = site[site.index("listen 80;") : site.index("listen 443")]
    assert "location /.well-known/acme-challenge/ {\n        root /var/www/letsencrypt;" in port_80
    assert "server 10.0.0.5:8000 max_fails=2 fail_timeout=10s;" in site


def test_the_standalone_nginx_of_make_scale_passes_nginx_t(tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(
        render(
            {
                "SITE_URL": "http://127.0.0.1",
                "WEB_NODES": "127.0.0.2:8000,127.0.0.3:8000",
                "MEDIA_ROOT": tmp_path / "media",
            },
            f"--listen=127.0.0.1:{free_port()}",
            f"--standalone={tmp_path}",
        )
    )

    checked = nginx_test(config, tmp_path)

    assert checked.returncode == 0, checked.stderr
    assert "warn" not in checked.stderr


class _Node(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<html>" + b"Lib\xc3\xa9rez Mamat " * 200 + b"</html>")

    def do_POST(self):
        received = len(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(str(received).encode())

    def log_message(self, *args):
        pass


def nginx_start(tmp_path: Path, nodes: str):
    """Start nginx in front of `nodes`, rendered as make scale renders its own; return (url,
    process)."""
    port = free_port()
    nginx = subprocess.Popen(
        nginx_standalone_write(
            tmp_path, port=port, values={"SITE_URL": "http://127.0.0.1", "WEB_NODES": nodes}
        )
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return f"http://127.0.0.1:{port}", nginx


@pytest.fixture
def proxied_node(tmp_path):
    """nginx in front of one stand-in node on 127.0.0.2."""
    node = ThreadingHTTPServer(("127.0.0.2", 0), _Node)
    threading.Thread(target=node.serve_forever, daemon=True).start()
    url, nginx = nginx_start(tmp_path, f"127.0.0.2:{node.server_port}")
    yield url, tmp_path / "mamat-access.log"
    nginx.terminate()
    nginx.wait(timeout=10)
    node.shutdown()


def test_a_signature_posted_while_no_node_answers_gets_a_page_saying_so(tmp_path):
    # Every node down (nothing listens there): nginx answers itself, for a POST too.
    url, nginx = nginx_start(tmp_path, f"127.0.0.2:{free_port()}")
    try:
        request = urllib.request.Request(url + "/petition/liberez-mamat/sign/", data=b"a=b")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=5)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)

    assert answer.value.code == 503
    assert "votre signature compte" in answer.value.read().decode()
    assert answer.value.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert answer.value.headers["X-Frame-Options"] == "DENY"


def test_the_access_log_keeps_no_address_and_no_signed_link(proxied_node):
    url, access_log = proxied_node
    secret = "AbCdEf123456789-secret-token"

    for path in (f"/petition/confirm/{secret}/", f"/en/petition/withdraw/{secret}/", "/?src=x1"):
        urllib.request.urlopen(url + path, timeout=5).read()
    time.sleep(0.2)
    logged = access_log.read_text()

    assert logged.count("[redacted]") == 2
    assert secret not in logged and "src=x1" not in logged
    assert "/petition/confirm/[redacted]/" in logged
    assert "127.0.0.1" not in logged  # the client's address; the node's is 127.0.0.2


def test_pages_are_compressed_for_browsers_that_ask(proxied_node):
    url, _access_log = proxied_node
    request = urllib.request.Request(url + "/", headers={"Accept-Encoding": "gzip"})

    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]


def test_staff_upload_a_phones_photo_in_the_admin_while_the_public_forms_stay_small(
    proxied_node,
):
    # Above client_body_buffer_size (16 KB), nginx buffers a body in its temp folder, which its
    # workers must be able to write, make scale's run as root included.
    url, _access_log = proxied_node
    photo = b"\xff" * (25 * 1024 * 1024)  # a 108-megapixel phone photo weighs about this

    upload = urllib.request.Request(url + "/admin/campaign/page/1/change/", data=photo)
    with urllib.request.urlopen(upload, timeout=30) as response:
        assert response.read() == str(len(photo)).encode()
    signature = urllib.request.Request(url + "/petition/liberez-mamat/sign/", data=photo)
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(signature, timeout=30)
    assert answer.value.code == 413

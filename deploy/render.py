"""Write the nginx site (or, with --standalone, a whole nginx of its own) from the environment file.

    python3 deploy/render.py --env /etc/mamat/mamat.env > /etc/nginx/sites-available/mamat

The environment file is the one the systemd units read (deploy/mamat.env.example): SITE_URL
names the site, WEB_NODES lists the gunicorn nodes, FILE_STORAGE and MEDIA_ROOT or
S3_MEDIA_URL say where /media/ comes from. `make scale` and the tests render the same template
with --listen (plain HTTP on one address) and --standalone (its own pid, logs and temp paths
under a directory), so what they run is what production runs. Python's standard library only:
it runs on the proxy's machine, which needs no virtualenv.
"""

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

DEPLOY = Path(__file__).resolve().parent
TEMPLATE = DEPLOY / "nginx" / "mamat.conf.template"
# How a node is judged down without active checks: 2 failed requests within 10 s leave it out
# for 10 s, after which live traffic tries it again.
NODE_MAX_FAILS = 2
NODE_FAIL_TIMEOUT_SECONDS = 10
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;'


def environment_file_read(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines as systemd's EnvironmentFile does (comments, optional quotes)."""
    values = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def upstream_servers(nodes: list[str]) -> str:
    if not nodes:
        raise SystemExit("WEB_NODES names no node (e.g. WEB_NODES=10.0.0.5:8000,10.0.0.6:8000)")
    return "\n".join(
        f"    server {node} max_fails={NODE_MAX_FAILS} fail_timeout={NODE_FAIL_TIMEOUT_SECONDS}s;"
        for node in nodes
    )


def media_location(values: dict[str, str]) -> str:
    """/media/ from the volume the nodes share, or from the public media bucket (same origin)."""
    if values.get("FILE_STORAGE", "filesystem") == "s3":
        bucket_url = values.get("S3_MEDIA_URL", "").rstrip("/")
        if not bucket_url:
            raise SystemExit("FILE_STORAGE=s3 needs S3_MEDIA_URL, the media bucket's address")
        return (
            "    location /media/ {\n"
            f"        proxy_pass {bucket_url}/;\n"
            f"        proxy_set_header Host {urlsplit(bucket_url).netloc};\n"
            "        proxy_hide_header Set-Cookie;\n"
            '        add_header X-Content-Type-Options "nosniff" always;\n'
            "    }"
        )
    media_root = values.get("MEDIA_ROOT", "/srv/mamat/media").rstrip("/")
    return (
        "    location /media/ {\n"
        f"        alias {media_root}/;\n"
        '        add_header X-Content-Type-Options "nosniff" always;\n'
        "    }"
    )


def site_render(values: dict[str, str], *, listen: str | None, logs: Path | None) -> str:
    """Fill the template: TLS on 443 with a redirect from 80, or plain HTTP on `listen`."""
    site = urlsplit(values.get("SITE_URL", ""))
    if not site.hostname:
        raise SystemExit("SITE_URL must name the site, e.g. SITE_URL=https://mamat.example.org")
    host = site.hostname
    if listen:
        server_listen = f"    listen {listen};"
        redirect, forwarded_proto, hsts = "", "$scheme", ""
    else:
        certificate = values.get("TLS_CERTIFICATE", f"/etc/letsencrypt/live/{host}/fullchain.pem")
        key = values.get("TLS_CERTIFICATE_KEY", f"/etc/letsencrypt/live/{host}/privkey.pem")
        server_listen = (
            # Debian 12's nginx 1.22 takes http2 on `listen` (1.25 moved it to `http2 on`).
            "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n"
            f"    ssl_certificate {certificate};\n    ssl_certificate_key {key};\n"
            "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_cache shared:mamat:10m;"
        )
        # Port 80 redirects to HTTPS, except Let's Encrypt's HTTP-01 challenges, which certbot
        # (`certbot certonly --webroot -w ACME_WEBROOT`) answers from a folder before the
        # certificate exists and at each renewal.
        acme_webroot = values.get("ACME_WEBROOT", "/var/www/letsencrypt")
        redirect = (
            "server {\n    listen 80;\n    listen [::]:80;\n"
            f"    server_name {host};\n    server_tokens off;\n    access_log off;\n"
            f"    location /.well-known/acme-challenge/ {{\n        root {acme_webroot};\n    }}\n"
            "    location / {\n        return 301 https://$host$request_uri;\n    }\n}\n"
        )
        forwarded_proto, hsts = "https", f"        {HSTS}"
    log_dir = logs or Path(values.get("NGINX_LOG_DIR", "/var/log/nginx"))
    filled = {
        "upstream_servers": upstream_servers(
            [node.strip() for node in values.get("WEB_NODES", "").split(",") if node.strip()]
        ),
        "http_redirect_server": redirect,
        "server_listen": server_listen,
        "server_name": host,
        "access_log": str(log_dir / "mamat-access.log"),
        "error_log": str(log_dir / "mamat-error.log"),
        "forwarded_proto": forwarded_proto,
        "media_location": media_location(values),
        "unavailable_hsts": hsts,
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    return re.sub(r"\{\{ (\w+) \}\}", lambda match: filled[match[1]], template)


def standalone_render(site: str, directory: Path, *, started_as_root: bool) -> str:
    """A whole nginx.conf around the site: its pid, logs and temp paths under `directory`."""
    temp = directory / "temp"
    # Started as root (in a container), nginx's workers would run as nobody, who may not write
    # the temp folders made here by root, nor enter a private `directory` (pytest's tmp_path):
    # every request body over client_body_buffer_size (an admin's upload) would fail.
    worker_user = ["user root;"] if started_as_root else []
    return "\n".join(
        [
            "# An nginx of its own (make scale, the tests): nothing under /var or /run.",
            *worker_user,
            "worker_processes 1;",
            f"pid {directory / 'nginx.pid'};",
            f"error_log {directory / 'nginx-error.log'} warn;",
            "events { worker_connections 1024; }",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            f"    client_body_temp_path {temp / 'body'};",
            f"    proxy_temp_path {temp / 'proxy'};",
            f"    fastcgi_temp_path {temp / 'fastcgi'};",
            f"    uwsgi_temp_path {temp / 'uwsgi'};",
            f"    scgi_temp_path {temp / 'scgi'};",
            "    access_log off;",
            site,
            "}",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python3 deploy/render.py", description=__doc__)
    parser.add_argument("--env", type=Path, help="the environment file (KEY=VALUE lines)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--listen", help="plain HTTP on this address instead of TLS on 443")
    parser.add_argument("--standalone", type=Path, metavar="DIR", help="a whole nginx.conf")
    args = parser.parse_args(argv)
    values = environment_file_read(args.env) if args.env else {}
    values |= dict(pair.split("=", 1) for pair in args.set)
    logs = args.standalone if args.standalone else None
    site = site_render(values, listen=args.listen, logs=logs)
    if args.standalone:
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (args.standalone / "temp" / name).mkdir(parents=True, exist_ok=True)
        site = standalone_render(site, args.standalone, started_as_root=os.geteuid() == 0)
    sys.stdout.write(site)


if __name__ == "__main__":
    main()

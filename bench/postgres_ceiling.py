"""PostgreSQL's own ceiling for what a signature asks of it: one single-row INSERT committed.

    .venv/bin/python -m bench.postgres_ceiling [--seconds 15] [--clients 16]

pgbench (PostgreSQL's own load tool) commits single-row INSERTs into a table shaped like
petitions_signature (a unique keyed hash of the mailbox, a few text columns, a timestamp
index), each its own transaction with the server's synchronous_commit, from as many clients
as gunicorn would hold connections. It uses a database of its own, dropped afterwards, and
prints one JSON line; docs/performance.md compares it with what the site asks.
"""

import argparse
import json
import re
import subprocess
import tempfile
import time

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "mamat_postgres_ceiling"
TABLE = """
CREATE TABLE signature_like (
    id bigserial PRIMARY KEY,
    petition_id bigint NOT NULL,
    mailbox_hash text NOT NULL UNIQUE,
    first_name text NOT NULL,
    last_name text NOT NULL,
    country text NOT NULL,
    status text NOT NULL,
    sealed_data bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    confirmation_due_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON signature_like (petition_id, created_at);
CREATE INDEX ON signature_like (confirmation_due_at);
"""
# One signature: a new mailbox each time (md5 of a random number and the client's id).
INSERT = """
INSERT INTO signature_like (petition_id, mailbox_hash, first_name, last_name, country, status,
    sealed_data)
VALUES (1, md5(random()::text || :client_id), 'Camille', 'Signataire', 'FR', 'pending',
    decode(repeat('ab', 160), 'hex'));
"""


def psql(database: str, sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"{SERVER}/{database}", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postgres_ceiling")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {DATABASE}")
    try:
        psql(DATABASE, TABLE)
        with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
            script.write(INSERT)
            script.flush()
            started = time.monotonic()
            completed = subprocess.run(  # noqa: S603
                ["pgbench", "--no-vacuum", f"--client={args.clients}",  # noqa: S607
                 f"--jobs={args.threads}", f"--time={args.seconds}", f"--file={script.name}",
                 f"{SERVER}/{DATABASE}"],
                capture_output=True, text=True, check=True, timeout=args.seconds + 60,
            )  # fmt: skip
        tps = re.search(r"tps = ([\d.]+)", completed.stdout)
        latency = re.search(r"latency average = ([\d.]+) ms", completed.stdout)
        print(
            json.dumps(
                {
                    "inserts_per_s": float(tps[1]) if tps else None,
                    "latency_average_ms": float(latency[1]) if latency else None,
                    "clients": args.clients,
                    "seconds": round(time.monotonic() - started, 1),
                    "synchronous_commit": "the server's (on by default)",
                }
            )
        )
    finally:
        psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()

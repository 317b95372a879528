"""A Redis server of a test's own, on a free port, that the test may stop and start again."""

import subprocess
import time
from pathlib import Path

import redis

from tests.smtp_sink import free_port


class PrivateRedis:
    """`start()` runs redis-server (nothing kept on disk); `kill()` stops it at once."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.server: subprocess.Popen | None = None

    def start(self) -> None:
        self.server = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.answers():
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.server is not None:
            self.server.kill()
            self.server.wait()
            self.server = None

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping())
        except redis.exceptions.ConnectionError:
            return False

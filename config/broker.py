"""Celery's Redis transport, with one Redis client per channel instead of one per command.

kombu's Redis channel builds a new redis-py client for each message it publishes or
acknowledges, and a client copies some 170 response callbacks when it is made: a large share
of the cost of queueing a signature's confirmation email (docs/performance.md). The client
keeps nothing of a command once it has answered, and its connection pool is the channel's,
so one per channel does the same work for less. This overrides a private method of kombu;
tests/config/test_worker_processes.py fails if kombu stops calling it.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    _command_client = None

    def _create_client(self, asynchronous: bool = False):
        if asynchronous:
            return super()._create_client(asynchronous=True)  # type: ignore[misc]
        if self._command_client is None:
            self._command_client = super()._create_client()  # type: ignore[misc]
        return self._command_client


class Transport(redis.Transport):
    Channel = Channel

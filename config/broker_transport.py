"""kombu's Redis transport, except that a worker never puts back the messages it held unstarted.

When a worker's connection to Redis breaks, Celery closes its channel, and kombu puts back in
the queue the messages the worker had taken but not yet started. If Redis broke while the worker
was listening for more (every process busy, fewer messages waiting than it may hold), kombu
5.7 tries that on a connection it has already torn down, and the worker dies with
`AttributeError: 'NoneType' object has no attribute 'hostname'` instead of reconnecting:
every email then waits for a restart by hand (tests/faults/test_redis_killed.py).

Nothing needs those messages back. Every task of the site only wakes work whose state is in
PostgreSQL, and a sweep of beat's finds what a lost message left (config/settings/celery.py).
A message left unacknowledged stays in Redis, which hands it out again after the transport's
visibility timeout, and a Redis that restarted empty has lost it with everything else.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    do_restore = False


class Transport(redis.Transport):
    Channel = Channel

"""Celery: the broker, the worker's processes, and beat's whole schedule."""

from config.env import env

# Without a broker, tasks run in-process so that one command runs the whole site. Celery still
# takes a producer from kombu's pool for each of them (never connected): the in-memory broker,
# named with a host, spares the log kombu's "No hostname was supplied" at every signature.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"
# kombu's Redis transport, less the step that kills a worker when Redis goes away
# (config/broker_transport.py).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "config.broker_transport:Transport"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
# Every task only wakes work whose state lives in the database (an email due, a delivery
# ready, an export queued, withdrawal links asked for), and a sweep of beat's finds what a lost
# message left: so messages are acknowledged as they are received. Acknowledging late would
# gain nothing, and kombu's Redis transport has crashed the worker when Redis went away with a
# message unacknowledged.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Worker processes, one per core and one more: the tasks wait on the ESP and PostgreSQL as
# much as they compute, and a fourth on two cores only added to what a surge's emails cost the
# web server (docs/performance.md).
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="prefork")
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=3)
# Celery's Django fixup would close a prefork child's database connections after every task;
# the worker instead checks them before each task (config/celery_app.py), so that a broken one
# is replaced and a good one kept.
CELERY_DB_REUSE_MAX = 1000
# The worker's CPU priority, 0 (as the web server) to 19 (last, in Linux's idle class): in a
# surge on one machine the web server takes every signature first and the worker sends their
# emails with the CPU it leaves. 0 where the worker has a machine of its own.
CELERY_WORKER_NICENESS = env.int("CELERY_WORKER_NICENESS", default=19)
# A supporter must see success even when the broker is down: publish once, fail fast, and
# leave the rest to the sweep. kombu would otherwise retry connecting for seconds before a
# publish fails (workers reconnect by their own settings, not these).
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# Beat may run on several machines: only the one holding a lock in Redis schedules
# (config/beat_schedule_lock.py). It renews the lock at every tick, so it never sleeps longer
# than this between ticks.
CELERY_BEAT_SCHEDULER = "config.beat_schedule_lock:LockedScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 5

# Minutes between two sweeps for the lists not sent yet that still name someone whose name
# staff hid (a lost message to the worker): until it runs, staff downloading such a list read
# the name; the check before sending keeps it out of what goes whatever this is.
DELIVERY_LISTS_SWEEP_MINUTES = env.float("DELIVERY_LISTS_SWEEP_MINUTES", default=15.0)

_HOUR = 3600.0
# Every periodic task of the site, in one place. Each is safe to run twice or late.
CELERY_BEAT_SCHEDULE = {
    # The sweep of confirmation emails due: signing wakes a sender at once, and this catches
    # what a lost wake, a broker outage or a killed worker left. Stale sweeps are dropped.
    "petitions-confirmations-send": {
        "task": "petitions.tasks.confirmations_send_task",
        "schedule": 10.0,
        "options": {"expires": 10.0},
    },
    # The sweep of withdrawal links asked for and due: each request wakes a sender at once,
    # and this sends what a lost message, a broker outage, a restarted worker or a server's
    # "try later" left in the table.
    "petitions-withdrawal-links-send": {
        "task": "petitions.tasks.withdrawal_links_email_task",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # The true confirmed counts written over the fast, approximate ones.
    "petitions-counts-reconcile": {
        "task": "petitions.tasks.petition_counts_reconcile",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    "petitions-retention-apply": {
        "task": "petitions.tasks.signatures_retention_apply",
        "schedule": 24 * _HOUR,
    },
    "petitions-exports-resume": {
        "task": "petitions.tasks.signature_exports_resume",
        "schedule": _HOUR / 6,
        "options": {"expires": _HOUR / 6},
    },
    "petitions-exports-purge-expired": {
        "task": "petitions.tasks.signature_exports_purge_expired",
        "schedule": _HOUR,
    },
    "deliveries-run-due": {"task": "deliveries.tasks.deliveries_run_due", "schedule": _HOUR / 4},
    # "Your signature was delivered" emails a lost task or a refusal "for now" left due.
    "deliveries-notices-sweep": {
        "task": "deliveries.tasks.delivery_notices_sweep",
        "schedule": _HOUR / 12,
        "options": {"expires": _HOUR / 12},
    },
    # Lists not sent yet still naming someone whose name staff hid: the worker's message was
    # lost (the broker down when hiding queued it, a worker killed after taking it).
    "deliveries-lists-forget-hidden-names": {
        "task": "deliveries.tasks.delivery_lists_forget_hidden_names_sweep",
        "schedule": DELIVERY_LISTS_SWEEP_MINUTES * 60,
        "options": {"expires": DELIVERY_LISTS_SWEEP_MINUTES * 60},
    },
    "deliveries-files-purge-expired": {
        "task": "deliveries.tasks.delivery_files_purge_expired",
        "schedule": 24 * _HOUR,
    },
    # A delivery's file replaced (a list written again after an erasure, say) but not deleted:
    # its worker was killed between the commit that named the new one and the deletion.
    "deliveries-files-left-behind-sweep": {
        "task": "deliveries.tasks.delivery_files_left_behind_sweep",
        "schedule": 24 * _HOUR,
        "options": {"expires": 24 * _HOUR},
    },
    # Personal data the site no longer needs to read, sealed (signatures kept before sealing
    # existed, and any a crash left in the clear).
    "petitions-signatures-seal": {
        "task": "petitions.tasks.signatures_seal_due",
        "schedule": _HOUR,
    },
    # Updates to signers whose sender was lost (a killed worker, a broker outage).
    "updates-sending-resume": {
        "task": "updates.tasks.updates_sending_resume_task",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Each public petition's ledger gets its signed statement of the day (the first run of
    # each day writes it; the others find it written).
    "petitions-ledger-daily": {
        "task": "petitions.tasks.ledger_daily_append",
        "schedule": _HOUR,
        "options": {"expires": _HOUR},
    },
    # Invalidations by criteria whose worker died or whose message was lost.
    "petitions-invalidations-resume": {
        "task": "petitions.tasks.invalidations_resume",
        "schedule": _HOUR / 12,
        "options": {"expires": _HOUR / 12},
    },
    # A source (IP fingerprint, domain, country…) past a petition's alert threshold.
    "petitions-trend-alerts": {
        "task": "petitions.tasks.trend_alerts_check",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # One reminder to each signer who has not confirmed a day after their email; the
    # confirmation senders send it.
    "petitions-reminders-queue": {
        "task": "petitions.tasks.reminders_queue",
        "schedule": _HOUR / 6,
        "options": {"expires": _HOUR / 6},
    },
    "access-events-purge-expired": {
        "task": "staff.tasks.access_events_purge_expired",
        "schedule": 24 * _HOUR,
    },
}

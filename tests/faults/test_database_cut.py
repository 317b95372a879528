"""The database unreachable for ten seconds in the middle of a surge."""

import time

from petitions.models import Petition
from tests.faults.conftest import (
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
    mailboxes_of,
    stored_mailboxes,
    wait_for,
)

CUT_SECONDS = 10  # shorter than the senders' claim (tests/faults/fault_settings.py)


def test_a_ten_second_database_cut_during_signing_loses_nothing_and_needs_no_restart(
    site, petition, database_proxy, smtp_sink
):
    signers = Signers(base_url=site.url, slug=petition.slug)
    signers.start(threads=4)
    time.sleep(4)
    database_proxy.cut()
    cut_at = time.monotonic()
    time.sleep(CUT_SECONDS)
    database_proxy.restore()
    restored_at = time.monotonic()
    time.sleep(8)
    signers.stop()

    acknowledged = signers.acknowledged()
    assert mailboxes_of(acknowledged) <= stored_mailboxes()
    before = [a for a in signers.attempts if a.started < cut_at - 1]
    after = [a for a in signers.attempts if a.started > restored_at + 0.5]
    assert before and all(attempt.acknowledged for attempt in before)
    # The same processes take every signature again once the database is back.
    assert after and [a.outcome for a in after if not a.acknowledged] == []
    every_stored_signer_mailed_once(smtp_sink)
    everyone_confirmed_is_delivered_once(petition, smtp_sink)


def test_after_a_database_restart_in_a_quiet_moment_the_next_signers_are_all_served(
    site, petition, database_proxy, smtp_sink
):
    signers = Signers(base_url=site.url, slug=petition.slug)
    for number in range(8):  # both web workers hold connections in their pools
        assert signers.sign(f"before-{number}@example.org").acknowledged
    database_proxy.cut()  # every connection dies while nobody signs
    time.sleep(2)
    database_proxy.restore()

    after = [signers.sign(f"after-{number}@example.org") for number in range(20)]

    assert [attempt.outcome for attempt in after if not attempt.acknowledged] == []
    every_stored_signer_mailed_once(smtp_sink)


def test_after_the_database_drops_the_workers_connections_its_next_tasks_run(
    site, petition, database_proxy
):
    # Beat has the counts reconciled every second. The reconcile's first query runs outside
    # any transaction, where only the worker's check before each task replaces a dead
    # connection.
    def reconciled(wrong_count: int) -> None:
        Petition.objects.filter(pk=petition.pk).update(confirmed_count=wrong_count)
        wait_for(
            lambda: Petition.objects.get(pk=petition.pk).confirmed_count == 0,
            what=f"the count of {wrong_count} reconciled",
            seconds=20,
        )

    reconciled(41)  # the worker's processes have used their connections
    database_proxy.cut()  # every one of them dies between two tasks
    time.sleep(2)
    database_proxy.restore()

    reconciled(42)

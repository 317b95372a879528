"""The database unreachable for ten seconds in the middle of a surge."""

import time

from petitions.models import Signature
from tests.faults.conftest import (
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
)

CUT_SECONDS = 10


def test_a_ten_second_database_cut_during_signing_loses_nothing_and_needs_no_restart(
    site, petition, database_proxy, smtp_server
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
    stored = set(Signature.objects.values_list("email", flat=True))
    assert acknowledged <= stored
    before = [a for a in signers.attempts if a.started < cut_at - 1]
    after = [a for a in signers.attempts if a.started > restored_at + 2]
    assert before and all(attempt.acknowledged for attempt in before)
    # The same processes take every signature again once the database is back.
    assert after and [a.outcome for a in after if not a.acknowledged] == []
    every_stored_signer_mailed_once(smtp_server)
    everyone_confirmed_is_delivered_once(petition, smtp_server)

"""What `make scale` reads after its surge, to say whether anything was lost or done twice.

Each function reads one witness that the site does not control: the addresses wrk saw
accepted, the SMTP sink's log, the beats' logs, nginx's access log.
"""

import re
from collections import Counter
from datetime import datetime
from itertools import pairwise
from pathlib import Path


def accepted_addresses(directory: Path) -> set[str]:
    """Every address the site answered with a redirect (bench/sign.lua's files, one a thread)."""
    accepted: set[str] = set()
    for path in directory.glob("*.txt"):
        accepted.update(line for line in path.read_text().splitlines() if line)
    return accepted


def sink_messages(path: Path, *, prefix: str) -> dict[str, list[str]]:
    """For each `prefix-…` address the sink received mail for, the Message-ID of each copy."""
    received: dict[str, list[str]] = {}
    if not path.exists():
        return received
    for line in path.read_text(encoding="utf-8").splitlines():
        _stamp, address, message_id = [*line.split("\t"), "", ""][:3]
        if address.startswith(f"{prefix}-"):
            received.setdefault(address, []).append(message_id)
    return received


def emails_judge(stored: set[str], received: dict[str, list[str]]) -> dict:
    """Every stored signer mailed, each with one message (copies of it counted apart)."""
    distinct = {address: set(ids) for address, ids in received.items()}
    return {
        "stored_signers_mailed": len(stored & received.keys()),
        "stored_signers_not_mailed": len(stored - received.keys()),
        # Two different emails to one signer: a confirmation sent twice.
        "signers_sent_two_different_emails": sum(len(ids) > 1 for ids in distinct.values()),
        # The same email (one Message-ID) delivered again: a worker killed between the
        # server's acceptance and its record sends it again when its claim ends.
        "signers_with_a_repeated_copy": sum(
            len(ids) > len(distinct[address]) for address, ids in received.items()
        ),
        "signers_mailed_exactly_once": sum(len(ids) == 1 for ids in received.values()),
        "mailed_but_not_stored": len(received.keys() - stored),
    }


_BEAT_LINE = re.compile(
    r"^\[(?P<stamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): \w+/\w+\] "
    r"Scheduler: Sending due task (?P<entry>\S+)"
)


def beat_sends(log: Path) -> list[tuple[float, str]]:
    """(time, entry) of every task a beat sent, from its log."""
    sends = []
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        match = _BEAT_LINE.match(line)
        if match:
            stamp = datetime.strptime(match["stamp"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
            sends.append((stamp, match["entry"]))
    return sends


def beats_judge(logs: dict[str, Path], *, intervals: dict[str, float]) -> dict:
    """Which beat sent what, and whether any entry was sent twice in one interval.

    Two beats each scheduling would send every entry twice per interval; one schedule sends
    it once, so consecutive sends of an entry, whichever beat sent them, are at least about an
    interval apart (half of it, for beat's own jitter).
    """
    sends = {name: beat_sends(path) for name, path in logs.items()}
    by_entry: dict[str, list[float]] = {}
    for each in sends.values():
        for stamp, entry in each:
            by_entry.setdefault(entry, []).append(stamp)
    too_close = 0
    for entry, stamps in by_entry.items():
        stamps.sort()
        interval = intervals.get(entry)
        if interval:
            too_close += sum(b - a < interval / 2 for a, b in pairwise(stamps))
    return {
        "sends_by_beat": {name: len(each) for name, each in sends.items()},
        "beats_that_sent": sum(bool(each) for each in sends.values()),
        "sends_closer_than_half_an_interval": too_close,
        "holding_lock_said": {
            name: "holding the schedule lock" in path.read_text(errors="replace")
            for name, path in logs.items()
            if path.exists()
        },
    }


_NGINX_LINE = re.compile(
    r'^\S+ "(?P<method>\S+) (?P<path>\S+)" (?P<status>\d{3}) .*? upstream=(?P<upstream>.*?) '
    r"upstream_status=(?P<upstream_status>.*?) upstream_time=.*? upstream_connect=(?P<connect>.*)$"
)


def proxy_judge(access_log: Path) -> dict:
    """What visitors saw through nginx: statuses by method, 5xx, and requests it retried.

    A retried request names two nodes in upstream ("127.0.0.2:8000, 127.0.0.3:8000"). A try
    whose connection was refused has no connect time ("-"): the node never received it.
    """
    statuses: Counter[str] = Counter()
    retried: Counter[str] = Counter()
    retried_posts_reaching_a_node_twice = 0
    lines = access_log.read_text(errors="replace").splitlines() if access_log.exists() else []
    for line in lines:
        match = _NGINX_LINE.match(line)
        if not match:
            continue
        statuses[f"{match['method']} {match['status']}"] += 1
        connects = [each.strip() for each in match["connect"].split(",")]
        if len(connects) > 1:
            retried[match["method"]] += 1
            # A try before the last that connected: the node received the request, and nginx
            # passed it on all the same. Never for a POST (a signature posted twice).
            if match["method"] == "POST" and any(each != "-" for each in connects[:-1]):
                retried_posts_reaching_a_node_twice += 1
    return {
        "requests": len(lines),
        "statuses": dict(statuses),
        # nginx's own page when no node could answer (503), or a node's error (500).
        "answered_5xx": sum(n for key, n in statuses.items() if key.split()[1][0] == "5"),
        "retried_on_another_node": dict(retried),
        "posts_passed_on_after_reaching_a_node": retried_posts_reaching_a_node_twice,
    }


def verdict(results: dict) -> list[str]:
    """Each promise the run broke, in words; none when it passed."""
    signatures, emails = results["signatures"], results["emails"]
    count, beats, proxy = results["count"], results["beats"], results["proxy"]
    broken = []
    if signatures["accepted_but_lost"]:
        broken.append(f"{signatures['accepted_but_lost']} accepted signatures are not stored")
    if signatures["marked_sent_in_database"] != signatures["stored"]:
        broken.append("not every stored signature is recorded as mailed")
    if emails["stored_signers_not_mailed"] or emails["signers_sent_two_different_emails"]:
        broken.append(f"emails: {emails}")
    if not count["reconciled_count"] == count["confirmed_rows"] == count["shown_by_the_site"]:
        broken.append(f"the count is not reconciled: {count}")
    if beats["beats_that_sent"] != 1 or beats["sends_closer_than_half_an_interval"]:
        broken.append(f"beats: {beats}")
    if results["timeline"].get("failure"):
        broken.append(f"the timeline stopped: {results['timeline']['failure']}")
    if proxy["posts_passed_on_after_reaching_a_node"]:
        broken.append("nginx passed a signature on to a second node")
    for edit in results["edits"]:
        if None in edit["seconds_to_show_by_node"].values():
            broken.append(f"an edit never showed on a node: {edit}")
    return broken

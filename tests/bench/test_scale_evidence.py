"""How make scale reads its witnesses: the beats' logs, nginx's access log, the SMTP sink."""

from bench.scale_evidence import beats_judge, emails_judge, proxy_judge

SEND = "[2026-11-26 18:30:{:02d},000: INFO/MainProcess] Scheduler: Sending due task {} (x)\n"


def beat_log(path, seconds, entry="petitions-confirmations-send"):
    path.write_text("".join(SEND.format(second, entry) for second in seconds))
    return path


def test_one_beat_scheduling_every_ten_seconds_is_one_schedule(tmp_path):
    judged = beats_judge(
        {
            "beat-1": beat_log(tmp_path / "1.log", [0, 10, 20, 30]),
            "beat-2": beat_log(tmp_path / "2.log", []),
        },
        intervals={"petitions-confirmations-send": 10.0},
    )

    assert judged["beats_that_sent"] == 1
    assert judged["sends_closer_than_half_an_interval"] == 0


def test_two_beats_each_scheduling_are_caught(tmp_path):
    judged = beats_judge(
        {
            "beat-1": beat_log(tmp_path / "1.log", [0, 10, 20]),
            "beat-2": beat_log(tmp_path / "2.log", [1, 11, 21]),
        },
        intervals={"petitions-confirmations-send": 10.0},
    )

    assert judged["beats_that_sent"] == 2
    assert judged["sends_closer_than_half_an_interval"] == 3  # 0-1, 10-11, 20-21


LINE = (
    '2026-11-26T18:30:00+01:00 "{} /petition/x/sign/" {} 0 0.1 '
    "upstream={} upstream_status={} upstream_time=0.1 upstream_connect={}\n"
)


def test_a_post_refused_by_a_dead_node_and_passed_on_is_a_retry_not_a_double(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        LINE.format("POST", 302, "127.0.0.2:8000, 127.0.0.3:8000", "502, 302", "-, 0.001")
        + LINE.format("POST", 503, "127.0.0.2:8000", "502", "0.001")
        + LINE.format("GET", 200, "127.0.0.2:8000, 127.0.0.3:8000", "502, 200", "0.001, 0.001")
    )

    judged = proxy_judge(log)

    assert judged["retried_on_another_node"] == {"POST": 1, "GET": 1}
    assert judged["answered_5xx"] == 1
    assert judged["posts_passed_on_after_reaching_a_node"] == 0


def test_a_post_passed_on_after_a_node_received_it_is_caught(tmp_path):
    # The node took the connection and died mid-request (nginx logs 502 either way).
    log = tmp_path / "access.log"
    log.write_text(
        LINE.format("POST", 302, "127.0.0.2:8000, 127.0.0.3:8000", "502, 302", "0.001, 0.001")
    )

    assert proxy_judge(log)["posts_passed_on_after_reaching_a_node"] == 1


def test_a_copy_of_one_email_is_told_apart_from_two_emails():
    stored = {"a@x.org", "b@x.org", "c@x.org"}
    received = {"a@x.org": ["<1>"], "b@x.org": ["<2>", "<2>"], "c@x.org": ["<3>", "<4>"]}

    judged = emails_judge(stored, received)

    assert judged["signers_mailed_exactly_once"] == 1
    assert judged["signers_with_a_repeated_copy"] == 1
    assert judged["signers_sent_two_different_emails"] == 1
    assert judged["stored_signers_not_mailed"] == 0

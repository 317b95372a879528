"""The benchmark harness's own logic: reading wrk, filling the form, judging the figures."""

import json
import resource
import sys
from urllib.parse import parse_qs

import pytest

from bench import report, signing_form
from bench.report import AT_LEAST, BELOW, EXACTLY, Figure
from bench.run import (
    child_measure,
    cpu_seconds_spent,
    procfile_command,
    sink_recipients,
)
from bench.views import ceiling_page
from bench.wrk import duration_ms, wrk_output_parse

WRK_OUTPUT = """\
Running 12s test @ http://127.0.0.1:39093/petition/liberez-mamat/sign/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   122.56ms   31.20ms   1.02s    91.10%
    Req/Sec   261.03     40.11   350.00     70.00%
  Latency Distribution
     50%  118.40ms
     75%  131.02ms
     90%  150.77ms
     99%  812.00us
  6262 requests in 12.01s, 1.95MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:    521.40
Transfer/sec:    166.12KB
BENCH_JSON {"accepted": 6255, "form_again": 0, "client_errors": 7, "server_errors": 0}
"""


def test_wrk_output_gives_throughput_percentiles_and_every_error():
    run = wrk_output_parse(WRK_OUTPUT)

    assert run.requests == 6262
    assert run.duration_s == pytest.approx(12.01)
    assert run.requests_per_s == pytest.approx(521.40)
    assert run.p50_ms == pytest.approx(118.40)
    assert run.latency_ms["90"] == pytest.approx(150.77)
    assert run.p99_ms == pytest.approx(0.812)
    assert run.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 2}
    assert run.error_responses == 7
    assert run.errors == 12
    assert run.script_report["accepted"] == 6255


def test_wrk_output_without_errors_or_script_counts_none():
    lines = [
        line
        for line in WRK_OUTPUT.splitlines()
        if not line.lstrip().startswith(("Socket errors", "Non-2xx", "BENCH_JSON"))
    ]
    run = wrk_output_parse("\n".join(lines))

    assert run.errors == 0
    assert run.script_report == {}


def test_wrk_output_without_a_summary_is_refused():
    with pytest.raises(ValueError, match="no summary"):
        wrk_output_parse("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("text", "milliseconds"),
    [("812.00us", 0.812), ("4.86ms", 4.86), ("1.02s", 1020.0), ("1.50m", 90_000.0)],
)
def test_wrk_durations_are_read_in_milliseconds(text, milliseconds):
    assert duration_ms(text) == pytest.approx(milliseconds)


SIGN_PAGE = """
<form class="search" method="post" action="/search/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <select name="language"><option value="fr" selected>fr</option></select>
</form>
<form class="sign-form" method="post" action="/petition/liberez-mamat/sign/" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="masked-token">
  <input type="hidden" name="referral_code" id="id_referral_code">
  <input type="text" name="first_name" required>
  <input type="text" name="last_name" required>
  <input type="email" name="email" required>
  <select name="country" required><option value="">—</option><option value="AF">A</option>
    <option value="FR">France</option></select>
  <textarea name="comment"></textarea>
  <input type="checkbox" name="show_first_name">
  <input type="checkbox" name="consent" value="yes" required>
  <input type="text" name="website" tabindex="-1">
  <button type="submit">Signer</button>
</form>
"""


def test_the_signature_form_is_the_csrf_post_form_asking_for_an_email():
    form = signing_form.signature_form_find(SIGN_PAGE)

    assert form.action == "/petition/liberez-mamat/sign/"
    assert signing_form.form_action_url(form, "http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/petition/liberez-mamat/sign/"
    )


def test_the_form_is_filled_as_a_signer_would_leaving_the_honeypot_empty():
    form = signing_form.signature_form_find(SIGN_PAGE)

    sent = parse_qs(signing_form.signature_form_body(form), keep_blank_values=True)

    assert sent["csrfmiddlewaretoken"] == ["masked-token"]
    assert sent["email"] == [signing_form.EMAIL_PLACEHOLDER]
    assert sent["first_name"][0] and sent["last_name"][0]
    assert sent["country"] == ["FR"]
    assert sent["consent"] == ["yes"]
    assert "show_first_name" not in sent
    assert sent["website"] == [""]


def test_a_page_without_a_signature_form_has_none():
    assert signing_form.signature_form_find('<form method="get"><input name="q"></form>') is None


def test_figures_pass_or_miss_against_their_targets():
    assert Figure("sign", 520.0, "/s", 500, AT_LEAST).passed is True
    assert Figure("sign", 437.0, "/s", 500, AT_LEAST).passed is False
    assert Figure("p99", 250.0, "ms", 250, BELOW).passed is False
    assert Figure("lost", 0, "", 0, EXACTLY).passed is True
    assert Figure("lost", 3, "", 0, EXACTLY).result == "MISS"
    assert Figure("export", None, "s", 10, BELOW, note="not built yet").result == "not built yet"
    assert Figure("sign", 437.0, "/s", 500, AT_LEAST).ratio == pytest.approx(0.874)


def test_the_table_shows_value_target_ratio_and_result(tmp_path):
    figures = [
        Figure("ceiling", 1200.0, "req/s"),
        Figure("page", 600.0, "req/s", 960.0, AT_LEAST, "0.8 × ceiling"),
        Figure("export 1M rows", None, "s", note="not built yet"),
    ]

    table = report.figures_table(figures).splitlines()

    assert table[0].split() == ["figure", "value", "target", "ratio", "result"]
    assert "600 req/s" in table[3]
    assert "≥ 960 (0.8 × ceiling)" in table[3]
    assert "0.62" in table[3] and table[3].endswith("MISS")
    assert table[4].endswith("not built yet")

    report.results_write(tmp_path / "results.json", figures=figures, details={"seconds": 1})
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["missed"] == ["page"]
    assert written["figures"][1]["ratio"] == pytest.approx(0.625)


def test_the_ceiling_page_has_exactly_the_size_asked():
    for size in (0, 10, 20_000, 61_234):
        assert len(ceiling_page(size)) == size
    assert ceiling_page(20_000).startswith(b"<!doctype html>")


def test_every_rate_limit_of_the_settings_is_turned_off_but_not_its_window():
    from bench import settings as bench_settings

    limits = [
        name
        for name in dir(bench_settings)
        if "RATE_LIMIT" in name and not name.endswith(("WINDOW", "EXEMPT_EMAIL_DOMAINS"))
    ]

    assert "SIGNATURE_RATE_LIMIT_PER_IP_HASH" in limits
    assert {name: getattr(bench_settings, name) for name in limits} == dict.fromkeys(limits, 0)
    assert bench_settings.SIGNATURE_RATE_LIMIT_WINDOW > 0


def test_sink_recipients_are_read_by_prefix_and_time(tmp_path):
    log = tmp_path / "sink.tsv"
    log.write_text(
        "10.0\tbench-sign-w-1-1@bench.example.org\n"
        "11.0\tsomeone@example.org\n"
        "12.5\tbench-sign-m-2-7@bench.example.org\n"
    )

    assert sink_recipients(log, prefix="bench-sign") == [
        (10.0, "bench-sign-w-1-1@bench.example.org"),
        (12.5, "bench-sign-m-2-7@bench.example.org"),
    ]
    assert len(sink_recipients(log, prefix="bench-sign", since=11.0)) == 1


def test_a_measured_process_reports_its_own_peak_memory_and_time():
    allocates_64_mb = "b = bytearray(64 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"

    measure = child_measure([sys.executable, "-c", allocates_64_mb], env=None, timeout=60)

    # Linux counts the forked copy of this process before exec in the child's peak, so the
    # bound allows for a large parent (a whole test suite); the bench's parent is small.
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert measure.returncode == 0
    assert 64 < measure.peak_rss_mb < max(200, parent_mb + 80)
    assert measure.seconds < 60


def test_the_bench_runs_the_procfiles_own_commands_with_its_variables():
    environment = {"PORT": "8123", "WEB_CONCURRENCY": "3", "LOG_LEVEL": ""}

    web = procfile_command("web", environment)
    worker = procfile_command("worker", environment)

    assert web[:2] == ["gunicorn", "config.wsgi"]
    assert "127.0.0.1:8123" in web
    assert web[web.index("--workers") + 1] == "3"
    assert worker[:4] == ["celery", "-A", "config", "worker"]
    assert worker[worker.index("--loglevel") + 1] == "INFO"  # empty: the Procfile's default
    with pytest.raises(RuntimeError, match="no 'nginx' process"):
        procfile_command("nginx", environment)


def test_cpu_spent_counts_each_process_from_its_own_reading_and_forgets_ended_ones():
    before = {("gunicorn", 10): 5.0, ("postgres", 20): 1.0, ("postgres", 21): 9.0}
    after = {("gunicorn", 10): 8.5, ("postgres", 20): 1.5, ("postgres", 22): 0.25}

    assert cpu_seconds_spent(before, after) == {"gunicorn": 3.5, "postgres": 0.75}


@pytest.mark.parametrize("password", ["-drawnWithADash", "drawn_plainly"])
def test_make_scale_hands_the_editor_probe_any_drawn_password(monkeypatch, password):
    # secrets.token_urlsafe starts with "-" once in 64 draws: as two arguments, argparse took
    # it for an option and make scale failed before its first request.
    from bench import probe
    from bench.scale import staff_editor_probe_arguments

    received = []
    monkeypatch.setitem(probe.COMMANDS, "staff-editor", lambda args: received.append(args.password))
    monkeypatch.setattr(probe, "_print", lambda _report: None)

    probe.main(staff_editor_probe_arguments(password))

    assert received == [password]


def test_the_page_watch_outlives_a_node_killed_mid_answer():
    # A node killed while sending the case page cuts its body short. The watcher took that
    # for a crash and stopped, so make scale reported every later edit as never shown there.
    import socket
    import threading
    import time

    from bench.scale_timeline import Edit, Timeline, pages_watch

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    page = b'<h1 class="page__title">Free Mamat (edited)</h1>'

    def serve() -> None:
        for answer in range(40):
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                if answer < 2:  # killed mid-answer: the length promises more than comes
                    connection.sendall(head % (len(page) + 1000) + page[:10])
                else:
                    connection.sendall(head % len(page) + page)

    threading.Thread(target=serve, daemon=True).start()
    timeline = Timeline(scale=None, editor={})
    edit = Edit(title="Free Mamat (edited)", saved_at=time.time() - 1, nodes_down=[])
    timeline.edits.append(edit)

    watch = pages_watch(("127.0.0.1",), port, timeline)
    deadline = time.time() + 10
    while "127.0.0.1" not in edit.first_shown and time.time() < deadline:
        time.sleep(0.05)
    watch.stop()
    listener.close()

    assert "127.0.0.1" in edit.first_shown

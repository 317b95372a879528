"""The systemd units run what the Procfile runs, and systemd reads them without complaint."""

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from bench.run import procfile_command
from bench.scale import unit_command

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
ENVIRONMENT = {
    "BIND_ADDRESS": "10.0.0.5",
    "PORT": "8000",
    "WEB_CONCURRENCY": "3",
    "FORWARDED_ALLOW_IPS": "10.0.0.4",
    "LOG_LEVEL": "INFO",
    "CELERY_BEAT_SCHEDULE_FILE": "/var/lib/mamat/celerybeat-schedule",
}


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_each_unit_runs_the_procfiles_command(process):
    from_unit = unit_command(process, ENVIRONMENT)
    from_procfile = procfile_command(process, ENVIRONMENT)

    assert Path(from_unit[0]).name == from_procfile[0]
    assert from_unit[1:] == from_procfile[1:]


def test_the_worker_gives_the_cpu_to_a_web_node_beside_it():
    assert "CPUWeight=1" in (UNITS / "mamat-worker.service").read_text().splitlines()


def test_the_worker_may_leave_the_idle_class_to_stop_but_take_no_more_than_nice_19():
    # As the unit's user, the kernel refuses the normal class beyond RLIMIT_NICE (+19 is 1).
    assert "LimitNICE=+19" in (UNITS / "mamat-worker.service").read_text().splitlines()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_systemd_reads_each_unit_without_complaint(process):
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(UNITS / f"mamat-{process}.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    # The release is not installed in /srv/mamat here: that is the only complaint allowed.
    complaints = [
        line
        for line in (verified.stdout + verified.stderr).splitlines()
        if line.strip() and "is not executable" not in line
    ]
    assert complaints == []


def test_the_readme_installs_the_environment_file_unreadable_by_other_users(tmp_path):
    # It holds every key of the site: the database password, SECRET_KEY, NEWS_ADDRESS_KEY…
    readme = (UNITS.parents[1] / "README.md").read_text()
    command = re.search(r"`(install -d /etc/mamat && [^`]+)`", readme).group(1)
    command = command.replace("/etc/mamat", str(tmp_path / "etc-mamat"))
    command = command.replace(" -g mamat", "")  # no such group here; the mode is the point

    subprocess.run(command, shell=True, check=True, cwd=UNITS.parents[1])  # noqa: S602 (the README's own line)

    mode = (tmp_path / "etc-mamat" / "mamat.env").stat().st_mode
    assert mode & 0o007 == 0, oct(mode)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_a_process_taken_over_reaches_no_device_kernel_knob_or_capability(process):
    # systemd's own assessment, 0 (locked down) to 10 (exposed); "OK" is up to 5.0.
    assessed = subprocess.run(
        [
            "systemd-analyze",
            "security",
            "--offline=yes",
            "--threshold=50",
            str(UNITS / f"mamat-{process}.service"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert assessed.returncode == 0, assessed.stdout.splitlines()[-1]


def test_an_image_staff_upload_stays_readable_by_the_proxy_under_the_units_umask(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    media = storages.create_storage(settings.STORAGES["default"])
    umask_before = os.umask(0o077)  # the units' UMask: what they write is theirs alone
    try:
        name = media.save("campaign/pages/portrait.png", ContentFile(b"an image"))
    finally:
        os.umask(umask_before)

    # nginx, another user, serves /media/ from these directories.
    for directory in (tmp_path / "campaign", tmp_path / "campaign" / "pages"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644

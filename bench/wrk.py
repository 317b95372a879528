"""Run wrk against the site and read what it prints."""

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# What a Lua script's done() prints on one line, for counts wrk does not keep (bench/sign.lua).
SCRIPT_REPORT_PREFIX = "BENCH_JSON "

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")


@dataclass(frozen=True)
class WrkRun:
    """One wrk run: throughput, latency percentiles in milliseconds, and every kind of error."""

    requests: int
    duration_s: float
    requests_per_s: float
    latency_ms: dict[str, float]
    socket_errors: dict[str, int] = field(default_factory=dict)
    error_responses: int = 0
    script_report: dict = field(default_factory=dict)

    @property
    def p50_ms(self) -> float | None:
        return self.latency_ms.get("50")

    @property
    def p99_ms(self) -> float | None:
        return self.latency_ms.get("99")

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.error_responses

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "duration_s": self.duration_s,
            "requests_per_s": self.requests_per_s,
            "latency_ms": self.latency_ms,
            "socket_errors": self.socket_errors,
            "error_responses": self.error_responses,
            "script_report": self.script_report,
        }


def duration_ms(text: str) -> float:
    """Read a wrk duration such as '4.86ms', '812.00us' or '1.02m' as milliseconds."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"Not a wrk duration: {text!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


def wrk_output_parse(output: str) -> WrkRun:
    """Read the text `wrk --latency` prints (and a script's BENCH_JSON line, if any)."""
    latency: dict[str, float] = {}
    in_distribution = False
    requests = None
    duration_s = None
    requests_per_s = None
    socket_errors: dict[str, int] = {}
    error_responses = 0
    script_report: dict = {}
    for raw_line in output.splitlines():
        line = raw_line.strip()
        if line.startswith(SCRIPT_REPORT_PREFIX):
            script_report = json.loads(line.removeprefix(SCRIPT_REPORT_PREFIX))
            continue
        if line == "Latency Distribution":
            in_distribution = True
            continue
        if in_distribution:
            match = re.match(r"^(\d+(?:\.\d+)?)%\s+(\S+)$", line)
            if match:
                latency[match.group(1).removesuffix(".0")] = duration_ms(match.group(2))
                continue
            in_distribution = False
        match = re.match(r"^(\d+) requests in (\S+?),", line)
        if match:
            requests = int(match.group(1))
            duration_s = duration_ms(match.group(2)) / 1000
            continue
        match = re.match(r"^Socket errors: (.*)$", line)
        if match:
            for part in match.group(1).split(","):
                name, count = part.split()
                socket_errors[name] = int(count)
            continue
        match = re.match(r"^Non-2xx or 3xx responses: (\d+)$", line)
        if match:
            error_responses = int(match.group(1))
            continue
        match = re.match(r"^Requests/sec:\s+([\d.]+)$", line)
        if match:
            requests_per_s = float(match.group(1))
    if requests is None or duration_s is None or requests_per_s is None:
        raise ValueError(f"wrk printed no summary:\n{output}")
    return WrkRun(
        requests=requests,
        duration_s=duration_s,
        requests_per_s=requests_per_s,
        latency_ms=latency,
        socket_errors=socket_errors,
        error_responses=error_responses,
        script_report=script_report,
    )


def wrk_run(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> WrkRun:
    """Load `url` for `seconds` from a separate process; a request slower than 10 s is an error."""
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    if script is not None:
        command.append(f"--script={script}")
    command.append(url)
    completed = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}")
    return wrk_output_parse(completed.stdout)

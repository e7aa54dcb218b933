"""What every bench measures the same way: its command line, CPU time and memory."""

from __future__ import annotations

import os
import resource
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path


def command_line() -> str:
    """The command that reproduces this run, as a bench prints it first (`$ ...`)."""
    return shlex.join([Path(sys.executable).name, *sys.argv])


def header() -> str:
    """What a bench prints first: its command, and how busy the machine was when it started."""
    one, five, fifteen = os.getloadavg()
    return (
        f"$ {command_line()}\n"
        f"# load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
    )


def cpu_ms(run: Callable[[], object], repeat: int) -> list[float]:
    """This process's CPU milliseconds of each of `repeat` calls of `run`."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.process_time_ns()
        run()
        times.append((time.process_time_ns() - start) / 1e6)
    return times


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process, read from /proc (Linux only)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_bytes() -> int:
    """This process's resident memory now, read from /proc (Linux only)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


def current_rss_mb() -> float:
    """This process's resident memory now, in MB (10^6 bytes)."""
    return current_rss_bytes() / 1e6


def current_rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    return current_rss_bytes() / 2**20

"""Run a command in a fresh process and measure the whole process tree it makes (a pool's workers
included): wall seconds, CPU seconds, and peak resident memory.

CPU seconds are the children's ``getrusage`` after the command ends: a worker's time is added to its
parent's when it is waited for, so the figure covers every process of the run. Peak memory is the
largest sum of RSS over the command and its live descendants, sampled every 10 ms (from ``/proc`` on
Linux, else ``psutil``); a shorter peak can be missed, so it is a lower bound, and close to the truth
for runs of a second or more.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stderr: str


def _tree_rss(process) -> int:
    """The summed RSS of ``process`` (a ``psutil.Process``) and its live descendants, in bytes."""
    if _PROC_CHILDREN:
        return _tree_rss_proc(process.pid)
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


#: Linux lists each thread's children in /proc (``CONFIG_PROC_CHILDREN``): the tree is then walked from
#: its root in a handful of small reads. ``psutil``'s ``children()`` reads the status of every process
#: on the machine to find them: 1.5 ms of CPU a sample, 100 samples a second, a seventh of one of the
#: two cores taken from the run being measured (and more from a pool, which needs both, than from a
#: single process).
_PROC_CHILDREN = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _tree_rss_proc(root: int) -> int:
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as stream:
                total += int(stream.read().split()[1]) * _PAGE
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", "rb") as stream:
                    pending.extend(int(child) for child in stream.read().split())
        except (OSError, ValueError, IndexError):
            continue  # ended while being read
    return total


def measure(command: list[str], env: dict | None = None, cwd: str | None = None, stdout=subprocess.DEVNULL,
            interval: float = 0.01) -> Measure:
    """Run ``command`` and measure it (see the module docstring)."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    handle = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(handle))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(wall, cpu, peak / 2**20, child.returncode, err.decode("utf-8", "replace"))


def machine() -> str:
    import platform

    load = os.getloadavg()
    return (f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start")

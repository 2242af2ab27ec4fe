"""Warm Jupyter kernels for the build: each worker thread owns one kernel and one client for the whole build.

The build runs its jobs on a fixed set of worker threads (``BuildRun.workers``).
The first time a worker runs a notebook it takes a kernel (one started ahead of
time by :meth:`KernelPool.prestart`, or one it starts), connects one client to
it, and keeps both until the build ends: no kernel is lent between threads, so
no client is shared, and a worker's reset is always answered on its own client.
Each kernel imports the kit once (``KERNEL_WARMUP``) and is reset after every
notebook (``KERNEL_RESET``, sent as the notebook ends, its reply awaited before
the next one starts). A notebook that kills its kernel gets the worker a new one.

Belongs here: starting, owning, resetting and stopping kernels. Not here: what
runs on them (``run``) or which notebooks run (``plan``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import paths

log = logging.getLogger("gem_reports")

#: Code run once in every kernel, so notebooks start with the kit imported.
KERNEL_WARMUP = """
import matplotlib
matplotlib.use("Agg")
import pandas, matplotlib.pyplot, seaborn
import helpers.analysis.metrics, helpers.presentation.charts, helpers.presentation.display, helpers.params, helpers.reference.tables
for _name in ("helpers.ingest", "helpers.analysis.privacy", "helpers.presentation.maps", "helpers.presentation.i18n"):
    try:
        __import__(_name)
    except Exception:
        pass
helpers.presentation.charts.use_theme()
import gc
gc.freeze()  # the imports' objects live as long as the kernel: no collection scans them again
"""

#: Code run after each notebook in a kernel: a clean namespace, no open figures.
KERNEL_RESET = """
get_ipython().reset(new_session=False)
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
"""
#: Seconds a kernel may take to start and answer, or to answer a reset.
KERNEL_TIMEOUT_S = 120


async def shell_reply(client, msg_id: str, timeout: float) -> dict:
    """The reply to request ``msg_id`` on ``client``'s shell channel; replies to other requests are skipped.

    Raises:
        TimeoutError: no reply within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"the kernel did not answer within {timeout:.0f} s")
        reply = await client.get_shell_msg(timeout=remaining)
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            return reply


async def _warm_up(manager) -> None:
    """Wait for a new kernel to be ready and run ``KERNEL_WARMUP`` in it, with a throw-away client.

    Run in the thread that started the kernel (ahead of time, while other notebooks run);
    the worker that takes the kernel then connects its own client.
    """
    client = manager.client()
    client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
    try:
        await client.wait_for_ready(timeout=KERNEL_TIMEOUT_S)
        reply = await shell_reply(client, client.execute(KERNEL_WARMUP, silent=True, store_history=False),
                                  KERNEL_TIMEOUT_S)
        if reply["content"].get("status") != "ok":
            log.debug("kernel warm-up failed: %s", reply["content"].get("evalue"))
    finally:
        client.stop_channels()


def _sync(coroutine_function, **kwargs):
    """Run one of jupyter_client's asynchronous methods from this (non-async) thread."""
    from jupyter_core.utils import run_sync

    return run_sync(coroutine_function)(**kwargs)


def _shut_down(manager) -> None:
    """Stop a kernel now; a kernel already gone (or failing to stop) is left as it is."""
    with contextlib.suppress(Exception):
        _sync(manager.shutdown_kernel, now=True)


@dataclass
class WorkerKernel:
    """A worker thread's kernel: its manager, the one client the thread talks to it through, and the
    reset sent after the last notebook whose reply is still to be read (its ``msg_id``)."""

    manager: Any
    client: Any
    pending_reset: str | None = None

    def is_alive(self) -> bool:
        return bool(_sync(self.manager.is_alive))

    def wait_until_clean(self) -> None:
        """Read the reply to the reset sent after the last notebook (send one if none was sent)."""
        msg_id = self.pending_reset or self.client.execute(KERNEL_RESET, silent=True, store_history=False)
        self.pending_reset = None
        _sync(shell_reply, client=self.client, msg_id=msg_id, timeout=KERNEL_TIMEOUT_S)

    def send_reset(self) -> None:
        """Start resetting the kernel now, so the reset runs while the build renders the notebook's pages."""
        self.pending_reset = self.client.execute(KERNEL_RESET, silent=True, store_history=False)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        _shut_down(self.manager)


class KernelPool:
    """At most ``size`` warm kernels, each owned by one worker thread for the whole build."""

    def __init__(self, size: int, cwd: Path) -> None:
        self.size = size
        self.cwd = cwd
        self._ready: queue.Queue = queue.Queue()  # kernels started ahead of time, owned by no thread yet
        self._started = 0  # kernels started or being started, owned or not
        self._owned: list[WorkerKernel] = []
        self._unowned: list[Any] = []
        self._mine = threading.local()
        self._lock = threading.Lock()
        self._closed = False

    # -------------------------------------------------------------- starting

    def prestart(self) -> None:
        """Start the kernels not started yet, each in a thread of its own, for the workers to take.

        A build calls this when it has notebooks to run: the other kernels then start (and import
        the kit) while the first runs the prepare notebook, not after it.
        """
        with self._lock:
            count = self.size - self._started
            self._started += count
        for _ in range(count):
            threading.Thread(target=self._prestart_one, name="kernel-prestart", daemon=True).start()

    def _prestart_one(self) -> None:
        try:
            manager = self._start_kernel()
        except Exception:  # noqa: BLE001 - the worker that takes it starts a kernel itself (None)
            log.debug("starting a kernel ahead of time failed", exc_info=True)
            self._ready.put(None)
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._unowned.append(manager)
        if closed:  # the build ended while this kernel started
            _shut_down(manager)
            return
        self._ready.put(manager)

    def _start_kernel(self):
        from jupyter_client.manager import AsyncKernelManager

        # Asynchronous, so that nbclient notices a kernel that dies mid-cell (a synchronous
        # client blocks on the output channel and would wait for ever).
        manager = AsyncKernelManager(kernel_name="python3")
        env = {"MPLBACKEND": "Agg", **os.environ,  # Agg unless the environment names a backend
               "GEM_KIT_ROOT": str(paths.ROOT), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        _sync(manager.start_kernel, cwd=str(self.cwd), env=env, extra_arguments=["--HistoryManager.enabled=False"],
              stdout=subprocess.DEVNULL,  # the kernel's own start-up chatter; errors arrive as messages
              stderr=subprocess.DEVNULL)
        _sync(_warm_up, manager=manager)
        return manager

    def _connect(self, manager) -> WorkerKernel:
        """This thread's client of ``manager``: channels connected, the kernel answering, the kit imported.

        nbclient would make a new client for every notebook and wait for it (a ``kernel_info``
        round trip, then up to 0.2 s for the output channel); a worker makes one, once. Messages
        meant for earlier requests are skipped: nbclient reads only replies to its own requests.
        """
        client = manager.client()
        client.start_channels()
        _sync(client.wait_for_ready, timeout=KERNEL_TIMEOUT_S)
        client.allow_stdin = False
        worker = WorkerKernel(manager, client)  # its first notebook resets it: the warm-up's names go
        with self._lock:
            self._owned.append(worker)
            if manager in self._unowned:
                self._unowned.remove(manager)
        return worker

    def _take_kernel(self):
        """A started kernel for a worker that has none: one started ahead of time, or one started now."""
        try:
            manager = self._ready.get_nowait()
        except queue.Empty:
            with self._lock:
                may_start = self._started < self.size
                if may_start:
                    self._started += 1
            manager = self._start_kernel() if may_start else self._ready.get()
        return manager if manager is not None else self._start_kernel()

    # -------------------------------------------------------------- one notebook

    def _worker(self) -> WorkerKernel:
        worker = getattr(self._mine, "kernel", None)
        if worker is None:
            worker = self._mine.kernel = self._connect(self._take_kernel())
        elif not worker.is_alive():  # the last notebook killed it: a new one for this worker
            with self._lock:
                self._owned.remove(worker)
            worker.stop()
            worker = self._mine.kernel = self._connect(self._start_kernel())
        return worker

    @contextlib.contextmanager
    def kernel(self) -> Iterator[WorkerKernel]:
        """This worker's kernel, clean, for one notebook; reset (not awaited) as the notebook ends."""
        worker = self._worker()
        worker.wait_until_clean()
        try:
            yield worker
        finally:
            if worker.is_alive():
                with contextlib.suppress(Exception):  # not sent: the next notebook sends one (wait_until_clean)
                    worker.send_reset()

    def shutdown(self) -> None:
        """Stop every kernel, owned or started ahead and never taken."""
        with self._lock:
            self._closed = True
            owned, unowned = list(self._owned), list(self._unowned)
            self._owned.clear()
            self._unowned.clear()
        for worker in owned:
            worker.stop()
        for manager in unowned:
            _shut_down(manager)

"""A pool of warm Jupyter kernels that papermill runs the notebooks on.

Each kernel is started once, imports the kit (``KERNEL_WARMUP``), and is reset
between notebooks (``KERNEL_RESET``), so no notebook pays for a kernel start or
the imports. A notebook that kills its kernel gets it restarted for the next one.

Belongs here: starting, lending, resetting and stopping kernels. Not here: what
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
from pathlib import Path

from helpers import paths

log = logging.getLogger("gem_reports")

#: Code run once in every kernel of the pool, so notebooks start with the kit imported.
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
"""

#: Code run before each notebook in a reused kernel: a clean namespace, no open figures.
KERNEL_RESET = """
get_ipython().run_line_magic("reset", "-f")
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
"""


class KernelPool:
    """Warm Jupyter kernels, started on first use, each imported with the kit and reused across notebooks."""

    def __init__(self, size: int, cwd: Path) -> None:
        self.size = size
        self.cwd = cwd
        self._idle: queue.Queue = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()
        self._all: list = []
        self._closed = False

    def prestart(self) -> None:
        """Start the pool's kernels now, each in a thread of its own, instead of when first lent.

        A build calls this when it has notebooks to run: the second kernel then starts (and imports
        the kit) while the first runs the prepare notebook, not after it.
        """
        with self._lock:
            count = self.size - self._started
            self._started += count
        for _ in range(count):
            threading.Thread(target=self._prestart_one, name="kernel-prestart", daemon=True).start()

    def _prestart_one(self) -> None:
        try:
            manager = self._start_and_register()
        except Exception:  # noqa: BLE001 - the kernel is started again when it is first lent (None below)
            log.debug("starting a kernel ahead of time failed", exc_info=True)
            self._idle.put(None)
            return
        with self._lock:
            closed = self._closed
        if closed:  # the build ended while this kernel started
            with contextlib.suppress(Exception):
                self._call(manager, "shutdown_kernel", now=True)
            return
        self._idle.put(manager)

    def _start_kernel(self):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # Asynchronous, so that nbclient notices a kernel that dies mid-cell (a synchronous
        # client blocks on the output channel and would wait for ever).
        manager = AsyncKernelManager(kernel_name="python3")
        env = dict(os.environ)
        env["GEM_KIT_ROOT"] = str(paths.ROOT)
        env.setdefault("MPLBACKEND", "Agg")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        run_sync(manager.start_kernel)(
            cwd=str(self.cwd),
            env=env,
            extra_arguments=["--HistoryManager.enabled=False"],
            stdout=subprocess.DEVNULL,  # the kernel's own start-up chatter; errors arrive as messages
            stderr=subprocess.DEVNULL,
        )
        self._run(manager, KERNEL_WARMUP, wait_for_ready=True)
        return manager

    @staticmethod
    async def _run_async(manager, code: str, timeout: float, wait_for_ready: bool) -> None:
        """Run ``code`` in the kernel and wait for its reply on the shell channel.

        Only the shell channel is opened: the code's output is not wanted, and a client that
        also subscribes to the output channel must first wait for it to connect (``wait_for_ready``
        takes 0.2 s, once per notebook). A new kernel is waited for once, before its warm-up.
        """
        client = manager.client()
        client.start_channels(shell=True, iopub=wait_for_ready, stdin=False, hb=False, control=False)
        try:
            if wait_for_ready:
                await client.wait_for_ready(timeout=timeout)
            msg_id = client.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the kernel did not answer within {timeout:.0f} s")
                reply = await client.get_shell_msg(timeout=remaining)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                log.debug("kernel setup code failed: %s", reply["content"].get("evalue"))
        finally:
            client.stop_channels()

    @classmethod
    def _run(cls, manager, code: str, timeout: float = 120, *, wait_for_ready: bool = False) -> None:
        from jupyter_core.utils import run_sync

        run_sync(cls._run_async)(manager, code, timeout, wait_for_ready)

    @staticmethod
    def _call(manager, method: str, **kwargs):
        """Call one of the asynchronous manager's methods from this thread."""
        from jupyter_core.utils import run_sync

        return run_sync(getattr(manager, method))(**kwargs)

    @contextlib.contextmanager
    def kernel(self) -> Iterator:
        """Lend a clean kernel for one notebook; a kernel the notebook killed is replaced by a new one."""
        try:
            manager = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                may_start = self._started < self.size
                if may_start:
                    self._started += 1
            manager = self._start_and_register() if may_start else self._idle.get()
        if manager is None:  # a kernel started ahead of time failed to start: start it now
            manager = self._start_and_register()
        try:
            if self._call(manager, "is_alive"):
                self._run(manager, KERNEL_RESET)
            else:
                manager = self._replace(manager)
            yield manager
        finally:
            if not self._call(manager, "is_alive"):
                manager = self._replace(manager)
            self._idle.put(manager)

    def _replace(self, dead):
        """Stop what is left of a dead kernel and start a fresh one in its place."""
        with contextlib.suppress(Exception):
            self._call(dead, "shutdown_kernel", now=True)
        with self._lock:
            if dead in self._all:
                self._all.remove(dead)
        return self._start_and_register()

    def _start_and_register(self):
        manager = self._start_kernel()
        with self._lock:
            self._all.append(manager)
        return manager

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            managers = list(self._all)
        for manager in managers:
            with contextlib.suppress(Exception):
                self._call(manager, "shutdown_kernel", now=True)

"""A pool of warm Jupyter kernels that papermill runs the notebooks on.

Each kernel is started once, imports the kit (``KERNEL_WARMUP``), and is reset
between notebooks (``KERNEL_RESET``), so no notebook pays for a kernel start or
the imports. Each kernel also keeps its connected clients (one per thread that
runs notebooks on it, :meth:`KernelPool.client`), so no notebook waits for a new
client's channels to connect. A notebook that kills its kernel gets it restarted
for the next one.

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


class IdleKernels:
    """The kernels waiting to be lent (``None`` for one that failed to start ahead of time), thread-safe.

    :meth:`take` prefers the kernel the taking thread used last: its reset was sent through
    that thread's client, so the thread can wait for the reset's reply instead of resetting
    the kernel again.
    """

    def __init__(self) -> None:
        self._waiting: list = []
        self._available = threading.Condition()

    def put(self, manager) -> None:
        with self._available:
            self._waiting.append(manager)
            self._available.notify()

    def take(self, preferred: set[int] | None = None, *, block: bool = True):
        """A kernel whose ``id`` is in ``preferred`` if one waits, else the one waiting longest.

        Raises:
            queue.Empty: ``block`` is False and no kernel waits.
        """
        with self._available:
            while not self._waiting:
                if not block:
                    raise queue.Empty
                self._available.wait()
            for index, manager in enumerate(self._waiting):
                if manager is not None and preferred and id(manager) in preferred:
                    return self._waiting.pop(index)
            return self._waiting.pop(0)


class KernelPool:
    """Warm Jupyter kernels, started on first use, each imported with the kit and reused across notebooks."""

    def __init__(self, size: int, cwd: Path) -> None:
        self.size = size
        self.cwd = cwd
        self._idle = IdleKernels()
        #: kernel id -> (thread ident, msg_id) of the reset sent when the kernel was given back
        self._pending_resets: dict[int, tuple[int, str]] = {}
        self._started = 0
        self._lock = threading.Lock()
        self._all: list = []
        self._clients: dict[tuple[int, int], object] = {}
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
        self._warm_up(manager)
        return manager

    @staticmethod
    def _warm_up(manager, timeout: float = 120) -> None:
        """Wait for a new kernel to be ready and run ``KERNEL_WARMUP`` in it, with a throw-away client.

        Run in the thread that started the kernel; notebooks and resets use :meth:`client`.
        """
        from jupyter_core.utils import run_sync

        async def warm_up() -> None:
            client = manager.client()
            client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
            try:
                await client.wait_for_ready(timeout=timeout)
                reply = await shell_reply(client, client.execute(KERNEL_WARMUP, silent=True, store_history=False),
                                          timeout)
                if reply["content"].get("status") != "ok":
                    log.debug("kernel warm-up failed: %s", reply["content"].get("evalue"))
            finally:
                client.stop_channels()

        run_sync(warm_up)()

    @staticmethod
    def _call(manager, method: str, **kwargs):
        """Call one of the asynchronous manager's methods from this thread."""
        from jupyter_core.utils import run_sync

        return run_sync(getattr(manager, method))(**kwargs)

    def client(self, manager, timeout: float = 120):
        """A client of ``manager``'s kernel for this thread, its channels connected and the kernel answering.

        nbclient makes a new client for every notebook and waits for it (``wait_for_ready``: a
        ``kernel_info`` round trip, then up to 0.2 s for the output channel to connect); the pool
        makes one per kernel and thread, once. Per thread, because a client's sockets belong to
        the event loop of the thread that opened them. Messages meant for earlier requests that
        wait in its channels are skipped by nbclient, which reads only replies to its own requests.
        """
        from jupyter_core.utils import run_sync

        key = (id(manager), threading.get_ident())
        with self._lock:
            client = self._clients.get(key)
        if client is None:
            client = manager.client()
            client.start_channels()
            run_sync(client.wait_for_ready)(timeout=timeout)
            client.allow_stdin = False
            with self._lock:
                self._clients[key] = client
        return client

    def _send_reset(self, manager) -> str:
        """Send ``KERNEL_RESET`` through this thread's client of ``manager``, not waiting; return its msg_id."""
        return self.client(manager).execute(KERNEL_RESET, silent=True, store_history=False)

    def _await_reply(self, manager, msg_id: str, timeout: float = 120) -> None:
        """Wait for the reply to ``msg_id`` on this thread's client of ``manager`` (other replies skipped)."""
        from jupyter_core.utils import run_sync

        run_sync(shell_reply)(self.client(manager), msg_id, timeout)

    def _make_clean(self, manager) -> None:
        """Make sure ``manager``'s kernel has been reset since its last notebook, waiting as little as possible.

        A kernel given back sends its reset at once (:meth:`kernel`), so the reset runs while the
        build renders the pages of the notebook that just finished. The thread that sent it waits
        for its reply here (normally already there); another thread cannot see that reply, and
        resets the kernel again.
        """
        with self._lock:
            pending = self._pending_resets.pop(id(manager), None)
        if pending is not None and pending[0] == threading.get_ident():
            self._await_reply(manager, pending[1])
        else:
            self._await_reply(manager, self._send_reset(manager))

    def _forget_clients(self, manager) -> None:
        """Close the clients of ``manager`` (a kernel stopped or replaced)."""
        with self._lock:
            self._pending_resets.pop(id(manager), None)
            keys = [key for key in self._clients if key[0] == id(manager)]
            clients = [self._clients.pop(key) for key in keys]
        for client in clients:
            with contextlib.suppress(Exception):
                client.stop_channels()

    @contextlib.contextmanager
    def kernel(self) -> Iterator:
        """Lend a clean kernel for one notebook; a kernel the notebook killed is replaced by a new one."""
        mine = self._kernels_of_this_thread()
        try:
            manager = self._idle.take(mine, block=False)
        except queue.Empty:
            with self._lock:
                may_start = self._started < self.size
                if may_start:
                    self._started += 1
            manager = self._start_and_register() if may_start else self._idle.take(mine)
        if manager is None:  # a kernel started ahead of time failed to start: start it now
            manager = self._start_and_register()
        try:
            if self._call(manager, "is_alive"):
                self._make_clean(manager)
            else:
                manager = self._replace(manager)
            yield manager
        finally:
            if self._call(manager, "is_alive"):
                with contextlib.suppress(Exception):  # not sent: the next borrower resets it (_make_clean)
                    msg_id = self._send_reset(manager)
                    with self._lock:
                        self._pending_resets[id(manager)] = (threading.get_ident(), msg_id)
            else:
                manager = self._replace(manager)
            self._idle.put(manager)

    def _kernels_of_this_thread(self) -> set[int]:
        """Ids of the kernels this thread has a client of (it used them before)."""
        me = threading.get_ident()
        with self._lock:
            return {kernel_id for kernel_id, thread in self._clients if thread == me}

    def _replace(self, dead):
        """Stop what is left of a dead kernel and start a fresh one in its place."""
        self._forget_clients(dead)
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
            self._forget_clients(manager)
            with contextlib.suppress(Exception):
                self._call(manager, "shutdown_kernel", now=True)

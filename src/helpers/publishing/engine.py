"""The papermill engine of the build: papermill's own nbclient engine, on a pooled kernel's connected client.

papermill runs a notebook through an *engine* (``papermill.engines``); its default,
``NBClientEngine``, makes a new kernel client for every notebook and waits for it to be
ready. :class:`PooledClientEngine` is that engine, given the client the kernel pool keeps
for this kernel and thread (``KernelPool.client``): parameter injection, the error
banner, cell metadata and the saved notebook are papermill's, unchanged. It is
registered as ``ENGINE_NAME`` and chosen with ``papermill.execute_notebook(...,
engine_name=ENGINE_NAME, km=..., kc=...)``.

Belongs here: how papermill executes a notebook on the pool. Not here: the pool
(``kernels``), what a job does around the execution (``run``).
"""

from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

#: The name the engine is registered under.
ENGINE_NAME = "gem-pooled-kernel"


class PooledClientEngine(NBClientEngine):
    """``NBClientEngine`` that executes on the kernel client passed as ``kc`` (connected and ready)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        """As ``NBClientEngine.execute_managed_notebook``, with the client ``kwargs["kc"]`` already set."""
        client = kwargs.pop("kc")
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file,
        )
        notebook_client = PapermillNotebookClient(nb_man, **final_kwargs)
        notebook_client.kc = client  # nbclient uses a client it is given, and leaves it open (km not its own)
        return notebook_client.execute()

papermill_engines.register(ENGINE_NAME, PooledClientEngine)

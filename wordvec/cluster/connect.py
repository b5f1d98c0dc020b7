"""Reaching a Dask cluster: a scheduler's address, or local:N for N worker processes here."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import Iterator

from ..errors import MissingExtra, WordvecError

INSTALL = "pip install 'wordvec[dask]'"
CONNECT_SECONDS = 10      # to reach a scheduler, and for it to have a worker
_LOCAL = re.compile(r"local:(.*)")


def require_distributed():
    """dask.distributed, or MissingExtra saying in one line how to install it."""
    try:
        import distributed
    except ImportError:
        raise MissingExtra(f"--dask needs dask.distributed, which is not installed: {INSTALL}") from None
    return distributed


def local_workers(address: str) -> int | None:
    """N for 'local:N' (a LocalCluster of N worker processes), None for a scheduler address."""
    match = _LOCAL.fullmatch(address.strip())
    if match is None:
        return None
    text = match.group(1)
    if not text.isdigit() or int(text) < 1:
        raise WordvecError(f"--dask local:N needs N, a number of worker processes of at least 1, not {text!r}")
    return int(text)


@contextmanager
def connect(address) -> Iterator:
    """A dask.distributed Client for `address`; a LocalCluster is started (and stopped) for local:N.
    A Client given instead of an address is used as it is (and left open).

    Unreachable schedulers and schedulers without workers fail in one line naming the address.
    """
    if not isinstance(address, str):
        yield address
        return
    distributed = require_distributed()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    workers = local_workers(address)
    if workers is not None:
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    if "://" not in address and ":" not in address:
        raise WordvecError(f"--dask {address!r} is not a scheduler address (tcp://HOST:PORT) or local:N")
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise WordvecError(f"cannot reach the Dask scheduler at {address} ({reason[:120]}): start one with "
                           "`dask scheduler`, or check the address") from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError):
            raise WordvecError(f"the Dask scheduler at {address} has no workers: start some with "
                               f"`dask worker {address}`") from None
        yield client
    finally:
        client.close()


def worker_count(client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))

"""Pausing Python's cyclic garbage collector while summaries are built or filled.

A summary is a few hundred small objects, none of them garbage. With the collector running, a
thousand of them trigger collections that walk the whole growing heap again and again: filling
every summary of a 1,000-revision project took 2.5 s instead of 0.6 s. Reference counting still
frees everything that is not in a cycle while the collector waits.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

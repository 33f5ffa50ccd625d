"""Pausing Python's cyclic garbage collector while summaries are built or filled.

A summary is a few hundred small objects, none of them garbage. With the collector running, a
thousand of them trigger collections that walk the whole growing heap again and again: filling
every summary of a 1,000-revision project took 2.5 s instead of 0.6 s. Reference counting still
frees everything that is not in a cycle while the collector waits.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# Pauses overlap: the language server's event loop holds one across its first check of the
# workspace while the analysis thread takes its own around each job. The collector resumes when
# the last ends (and only if it ran when the first began), not when whichever began first ends.
_lock = threading.Lock()
_holders = 0
_resume = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    global _holders, _resume
    with _lock:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _resume:
                gc.enable()


# Texts from this size on (about 20,000 lines of code) leave millions of long-lived objects.
BIG_TEXT = 1_000_000


def keep_out_of_collections(text_size: int) -> None:
    """After analysing a big text: exempt every object alive now from the collector's full passes.

    A 5 MB revision's tree (kept for incremental re-parsing) and summary are some 2.5 million
    objects, none of them garbage; each full collection walking them took 2.5 s, and several fell
    due while that document's requests were answered (documentSymbol took 5.8 s instead of 0.8).
    Frozen objects are still freed by reference count when an edit or a close drops them; only a
    reference cycle that was already garbage at this moment is never reclaimed, which is why small
    texts (most keystrokes) leave the collector as it is.
    """
    if text_size >= BIG_TEXT:
        gc.freeze()


def settle_after_opening() -> None:
    """Once an opened document's first diagnostics are out: collect, then exempt every object
    alive from later passes.

    Opening a 2,600-line revision leaves some 150,000 long-lived objects (its tree, kept for
    incremental parsing, and its summary). Left to the collector, a young pass walked them at the
    next keystroke (13 ms) and an older pass a hundred keystrokes later (25-45 ms): the slowest
    keystrokes of a session. One full collection now, while the user looks at the opened file,
    frees the garbage first, so nothing but live objects is frozen; they are still freed by
    reference count when an edit or a close drops them.
    """
    gc.collect()
    gc.freeze()

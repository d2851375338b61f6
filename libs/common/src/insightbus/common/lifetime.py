"""Child processes that never outlive their parent, whatever ends it (SIGKILL included).

On Linux the kernel does it: ``prctl(PR_SET_PDEATHSIG)`` makes it signal the child when the
parent dies. Elsewhere, or should the parent already be gone when the child arms it, a
daemon thread watches ``getppid()`` and ends the child. Used for the model workers and for
every server a test starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
# Loaded in the parent, at import: a ``preexec_fn`` runs between fork and exec, where
# loading a library (and taking its locks) is unsafe.
_libc = (
    ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" else None
)


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Arm the kernel to send ``sig`` to this process when its parent dies; exit now if the
    parent ``parent_pid`` is already gone."""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() != parent_pid:  # died before prctl took effect: nobody will signal us
        os._exit(1)


def watch_parent(parent_pid: int, every_s: float = 1.0) -> None:
    """End this process once ``parent_pid`` is no longer its parent (the portable fallback;
    also covers PDEATHSIG firing on the death of the parent *thread* only)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def tied_to_this_process(sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child gets ``sig`` when the calling
    process dies (SIGTERM for a server that must save its data on the way out). Call it
    from the thread that will outlive the child: the kernel signals on that thread's end."""
    parent = os.getpid()

    def preexec() -> None:
        die_with_parent(parent, sig)

    return preexec

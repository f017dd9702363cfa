"""Ownership of one C handle: calls borrow it, ``close()`` frees it once no call is using it.

A closed handle is never passed to C again: every use after ``close()`` raises
:class:`~exsync.errors.HandleClosedError`. ``close()`` waits for calls on other threads to finish, and
refuses to run inside a call on the same handle (from a progress callback), which would free the
handle under the call.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from typing import Any, Iterator

from . import _lib
from .errors import CallError, ErrorCode, HandleClosedError


class Handle:
    """Base of ``Setup``, ``Engine`` and ``Simulator``: owns a pointer freed by ``_FREE``."""

    #: The C function that frees this kind of handle.
    _FREE: str = ""
    #: What the handle is, for messages ("engine").
    _WHAT: str = "handle"

    def __init__(self, pointer: Any) -> None:
        if not pointer:
            raise ValueError(f"a {self._WHAT} handle needs a non-NULL pointer")
        self._pointer = pointer
        self._closed = False
        self._cond = threading.Condition()
        self._users: dict[int, int] = {}

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[Any]:
        """The live pointer for the length of one call (or :class:`HandleClosedError`)."""
        me = threading.get_ident()
        with self._cond:
            if self._closed:
                raise HandleClosedError(self._WHAT)
            self._users[me] = self._users.get(me, 0) + 1
        try:
            yield self._pointer
        finally:
            with self._cond:
                left = self._users[me] - 1
                if left:
                    self._users[me] = left
                else:
                    del self._users[me]
                self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def close(self) -> None:
        """Frees the handle; later uses raise :class:`HandleClosedError`. Closing twice does
        nothing. Waits for calls on other threads to end; inside a call on this handle (from its
        progress callback) it raises :class:`CallError` (``WRONG_STATE``) instead."""
        with self._cond:
            if self._closed:
                return
            if threading.get_ident() in self._users:
                raise CallError(
                    ErrorCode.WRONG_STATE,
                    f"the {self._WHAT} cannot be closed from inside one of its own calls (a callback)",
                )
            self._closed = True
            while self._users:
                self._cond.wait()
            pointer, self._pointer = self._pointer, None
        self._release(pointer)

    def _release(self, pointer: Any) -> None:
        getattr(_lib.lib(), self._FREE)(pointer)

    def __enter__(self):
        if self._closed:
            raise HandleClosedError(self._WHAT)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Frees a handle nobody closed. Nothing can borrow it any more, so this does not wait.
        if getattr(self, "_closed", True) or not getattr(self, "_pointer", None):
            return
        try:
            self._closed = True
            self._release(self._pointer)
            self._pointer = None
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<exsync.{type(self).__name__} ({state})>"


def new_handle(function: str, handle_type: type, *args: Any) -> Any:
    """Calls a constructor ``function(*args, T **out)`` and returns the pointer it wrote."""
    out = ctypes.POINTER(handle_type)()
    _lib.call(function, *args, ctypes.byref(out))
    if not out:
        raise CallError(ErrorCode.PANIC, f"{function} succeeded but gave no handle")
    return out

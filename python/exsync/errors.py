"""The exceptions the package raises: one class per group of libexsync's error codes.

Every error from the library is an :class:`ExsyncError` with the code (:class:`ErrorCode`), its name
in ``exsync.h`` and the library's message. The codes are grouped by hundreds, and each group has its
class:

==========  =======================  ==========================================================
codes       class                    what failed
==========  =======================  ==========================================================
1-99        :class:`CallError`       the call itself (arguments, JSON, order of calls, build)
100-199     :class:`SetupError`      the setup flow, its secrets, enrolment
200-299     :class:`StoreError`      the state store
300-399     :class:`SyncError`       a sync with Exchange
400-499     :class:`SimulatorError`  the simulated Exchange server
==========  =======================  ==========================================================

Errors found before calling the library are Python's own: :class:`TypeError` for an argument of the
wrong type (``None`` included), :class:`ValueError` for text the library could not take (a NUL
character), and :class:`HandleClosedError` for a handle used after ``close()``.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.IntEnum):
    """libexsync's result codes (``exsync_result``); they never change meaning."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_UTF8 = 2
    INVALID_ARGUMENT = 3
    INVALID_JSON = 4
    BUFFER_TOO_SMALL = 5
    WRONG_STATE = 6
    UNSUPPORTED = 7
    PANIC = 8
    RUNTIME = 9
    SETUP_INVALID_INPUT = 100
    SETUP_STEP = 101
    SETUP_VALIDATION_REQUIRED = 102
    SETUP_STALE_VALIDATION = 103
    SECRET_STORE = 104
    SETUP_CONFIG = 105
    ENROLMENT = 106
    STORE = 200
    NOT_ENROLLED = 201
    STORE_NEWER_SCHEMA = 202
    STORE_CORRUPT = 203
    SYNC_EXCHANGE = 300
    SYNC_DENIED = 301
    SYNC_PLAN = 302
    SYNC_WRONG_KIND = 303
    SIM_CONFIG = 400
    SIM_START = 401
    SIM_MAILBOX = 402


class ExsyncError(Exception):
    """An error libexsync reported (or, for :class:`HandleClosedError`, this package).

    Attributes:
        code: the result code, an :class:`ErrorCode` when the number is known, else the ``int``.
        name: the code's name in ``exsync.h`` (``"EXSYNC_ERR_INVALID_JSON"``).
        message: what happened, from the library's last-error buffer (never a secret).
    """

    def __init__(self, code: int, message: str, name: str | None = None) -> None:
        try:
            self.code: int = ErrorCode(code)
        except ValueError:
            self.code = code
        self.name = name or _default_name(code)
        self.message = message
        super().__init__(f"{self.name} ({code}): {message}" if message else f"{self.name} ({code})")


class CallError(ExsyncError):
    """Codes 1-99: the call itself failed (an argument, JSON, the order of calls, this build)."""


class SetupError(ExsyncError):
    """Codes 100-199: the setup flow refused an input or a step, its secrets, or an enrolment."""


class StoreError(ExsyncError):
    """Codes 200-299: the state store failed, or the user is not enrolled."""


class SyncError(ExsyncError):
    """Codes 300-399: a sync with Exchange failed."""


class SimulatorError(ExsyncError):
    """Codes 400-499: the simulated Exchange server refused its configuration or a change."""


class HandleClosedError(ExsyncError, ValueError):
    """A handle (``Setup``, ``Engine``, ``Simulator``) was used after ``close()``. Raised by this
    package, before calling the library; its code is :attr:`ErrorCode.WRONG_STATE`."""

    def __init__(self, what: str) -> None:
        super().__init__(ErrorCode.WRONG_STATE, f"the {what} is closed", "EXSYNC_ERR_WRONG_STATE")


class LibraryNotFoundError(ImportError):
    """libexsync could not be found or loaded (see ``exsync._lib`` for where it is looked for)."""


_GROUPS = (
    (1, 100, CallError),
    (100, 200, SetupError),
    (200, 300, StoreError),
    (300, 400, SyncError),
    (400, 500, SimulatorError),
)


def error_class(code: int) -> type[ExsyncError]:
    """The class of ``code``'s group (:class:`ExsyncError` for a number outside every group)."""
    for low, high, cls in _GROUPS:
        if low <= code < high:
            return cls
    return ExsyncError


def error_for(code: int, message: str, name: str | None = None) -> ExsyncError:
    """The exception for a failed call's ``code`` and message."""
    return error_class(code)(code, message, name)


def _default_name(code: int) -> str:
    try:
        member = ErrorCode(code)
    except ValueError:
        return "EXSYNC_ERR_UNKNOWN"
    return "EXSYNC_OK" if member is ErrorCode.OK else f"EXSYNC_ERR_{member.name}"

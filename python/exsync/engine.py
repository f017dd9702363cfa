"""The sync engine over a SQLite state store (``exsync_engine``): users, the application's changes,
syncs with Exchange, Exchange's changes for the application, status, and progress events."""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Callable, Optional, Union

from . import _arguments as arg
from . import _lib
from ._handle import Handle, new_handle
from .errors import ExsyncError
from .records import AppChange, Kind, PendingChange, ProgressEvent, Record, SyncReport, SyncStatus

ProgressCallback = Callable[[ProgressEvent], None]


class _ProgressBridge:
    """Calls a Python callable from C with each event; keeps the first exception it raised for
    ``Engine.sync`` to re-raise (an exception cannot cross C)."""

    def __init__(self, callback: ProgressCallback) -> None:
        self.callback = callback
        self.error: Optional[BaseException] = None
        self.c_function = _lib.PROGRESS_CALLBACK(self._on_event)

    def _on_event(self, _userdata: Optional[int], event_json: Optional[bytes]) -> None:
        if self.error is not None or event_json is None:
            return
        try:
            self.callback(ProgressEvent.from_dict(json.loads(event_json.decode("utf-8"))))
        except BaseException as e:  # noqa: BLE001 - handed back to the caller of sync()
            self.error = e

    def take_error(self) -> Optional[BaseException]:
        error, self.error = self.error, None
        return error


class Engine(Handle):
    """The sync engine over the SQLite state store at ``path`` (``":memory:"`` for one in memory).

    Connect it with :meth:`connect` after a setup was saved into it (``Setup.save``). Close it (or
    use ``with``) to close the store.
    """

    _FREE = "exsync_engine_free"
    _WHAT = "engine"

    def __init__(self, path: Union[str, "os.PathLike[str]"] = ":memory:") -> None:
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        pointer = new_handle("exsync_engine_open", _lib.exsync_engine, arg.text(path, "path"))
        super().__init__(pointer)
        self._progress: Optional[_ProgressBridge] = None

    def _call(self, name: str, *args: Any) -> None:
        with self._borrow() as e:
            _lib.call(name, e, *args)

    def _json(self, name: str, *args: Any) -> Any:
        with self._borrow() as e:
            return json.loads(_lib.read_text(name, e, *args))

    def _release(self, pointer: Any) -> None:
        super()._release(pointer)
        self._progress = None

    def connect(self, key: Union[bytes, bytearray, memoryview]) -> None:
        """Connects to Exchange with the setup saved in the store, reading its secrets with
        ``key`` (the 32 bytes given to ``Setup.save``)."""
        k = arg.key(key)
        self._call("exsync_engine_connect", k, len(k))

    def trust_ca_pem(self, ca_pem: str) -> None:
        """Trusts the PEM CA certificate ``ca_pem`` (an on-premises Exchange's internal CA, or
        ``Simulator.ca_certificate``) for the connections :meth:`connect` makes from now on. A
        certificate that does not read raises ``CallError`` (``INVALID_ARGUMENT``) and is not kept."""
        self._call("exsync_engine_trust_ca_pem", arg.text(ca_pem, "ca_pem"))

    def set_request_budget(self, milliseconds: int) -> None:
        """Sets how long one Exchange request may take, retries and waits included (1 to
        3,600,000 ms; the default is five minutes), for the connections :meth:`connect` makes
        from now on. Out of range raises ``CallError`` (``INVALID_ARGUMENT``)."""
        if isinstance(milliseconds, bool) or not isinstance(milliseconds, int):
            raise TypeError(f"milliseconds must be an int, not {type(milliseconds).__name__}")
        if not 0 <= milliseconds <= 0xFFFFFFFF:
            raise ValueError("milliseconds must fit in 32 bits")
        self._call("exsync_engine_set_request_budget", milliseconds)

    # -- users ------------------------------------------------------------------------------

    def enrol(self, user: str, settings: Union[dict[str, Any], str, None] = None) -> None:
        """Enrols ``user`` (their mailbox address) or replaces their settings; ``None`` gives the
        defaults. See ``exsync_engine_enrol`` in ``exsync.h`` for the settings' shape."""
        self._call(
            "exsync_engine_enrol", arg.text(user, "user"), arg.json_text(settings, "settings", optional=True)
        )

    def user_settings(self, user: str) -> dict[str, Any]:
        """An enrolled user's settings."""
        return self._json("exsync_engine_user_settings", arg.text(user, "user"))

    def users(self) -> list[str]:
        """The enrolled users' addresses."""
        return self._json("exsync_engine_users")

    def remove_user(self, user: str) -> bool:
        """Removes a user and everything stored for them; whether they were enrolled."""
        removed = ctypes.c_int32(0)
        self._call("exsync_engine_remove_user", arg.text(user, "user"), ctypes.byref(removed))
        return bool(removed.value)

    # -- the application's changes ----------------------------------------------------------

    def report(
        self,
        user: str,
        change: Union[AppChange, dict[str, Any], str],
        kind: Union[Kind, int, str, None] = None,
    ) -> int:
        """Queues one change of the application's for ``user`` until a sync sends it; its outbox
        position. ``kind`` may be left out for an :class:`AppChange` with a record."""
        u = arg.text(user, "user")
        if kind is None:
            if isinstance(change, AppChange) and change.record is not None:
                kind = change.record.kind
            else:
                raise TypeError("kind is required unless change is an AppChange with a record")
        k = arg.member(kind, Kind, "kind")
        body = arg.json_text(change, "change")
        seq = ctypes.c_uint64(0)
        self._call("exsync_engine_report", u, k, body, ctypes.byref(seq))
        return seq.value

    def report_upsert(self, user: str, app_id: str, record: Record, version: Optional[str] = None) -> int:
        """Reports that the application created or changed ``record`` (its id ``app_id``)."""
        return self.report(user, AppChange(app_id=app_id, record=record, version=version))

    def report_delete(self, user: str, kind: Union[Kind, int, str], app_id: str) -> int:
        """Reports that the application deleted its record ``app_id`` of ``kind``."""
        return self.report(user, AppChange(app_id=app_id), kind)

    # -- syncing ----------------------------------------------------------------------------

    def set_progress(self, callback: Optional[ProgressCallback]) -> None:
        """Calls ``callback`` with each :class:`ProgressEvent` during :meth:`sync`, on the thread
        that syncs; ``None`` stops it. The callback must not call this engine (that raises
        ``CallError`` with ``WRONG_STATE``); an exception it raises is re-raised by :meth:`sync`
        once the sync is done."""
        if callback is None:
            self._call("exsync_engine_set_progress", _lib.PROGRESS_CALLBACK(), None)
            self._progress = None
            return
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        bridge = _ProgressBridge(callback)
        self._call("exsync_engine_set_progress", bridge.c_function, None)
        # Kept alive here for as long as C may call it: until replaced, cleared or closed.
        self._progress = bridge

    def sync(self, user: str, kinds: Union[Kind, int, str] = Kind.ALL) -> list[SyncReport]:
        """Syncs ``kinds`` of ``user`` with Exchange (blocking): sends the application's changes
        and queues Exchange's for :meth:`pending`. Returns one report per kind. On failure, the
        exception's ``reports`` holds those of the kinds done before it."""
        u = arg.text(user, "user")
        k = arg.member(kinds, Kind, "kinds")
        bridge = self._progress
        # One borrow for the sync and its reports: a close() waiting on another thread frees the
        # handle only after both.
        with self._borrow() as e:
            try:
                _lib.call("exsync_engine_sync", e, u, k)
            except ExsyncError as error:
                error.reports = _reports(e, missing_ok=True)  # type: ignore[attr-defined]
                callback_error = bridge.take_error() if bridge else None
                if callback_error is not None:
                    raise callback_error from error
                raise
            callback_error = bridge.take_error() if bridge else None
            if callback_error is not None:
                raise callback_error
            return _reports(e)

    def last_sync_report(self) -> list[SyncReport]:
        """The reports of the last :meth:`sync`, one per kind synced."""
        with self._borrow() as e:
            return _reports(e)

    # -- Exchange's changes for the application ---------------------------------------------

    def pending(self, user: str, limit: int = 100) -> list[PendingChange]:
        """Up to ``limit`` of Exchange's changes for the application, oldest first. Apply each,
        then :meth:`ack` it; an entry stays until acknowledged."""
        entries = self._json("exsync_engine_pending", arg.text(user, "user"), arg.integer(limit, "limit"))
        return [PendingChange.from_dict(e) for e in entries]

    def ack(self, user: str, change: Union[PendingChange, int], app_version: Optional[str] = None) -> bool:
        """Acknowledges a pending change (or its ``seq``) as applied, with the application's new
        version of the record. Whether it was pending (``False`` when acknowledged before or
        replaced by a newer change)."""
        seq = change.seq if isinstance(change, PendingChange) else change
        acknowledged = ctypes.c_int32(0)
        self._call(
            "exsync_engine_ack",
            arg.text(user, "user"),
            arg.u64(seq, "seq"),
            arg.optional_text(app_version, "app_version"),
            ctypes.byref(acknowledged),
        )
        return bool(acknowledged.value)

    def status(self, user: str) -> list[SyncStatus]:
        """``user``'s sync status, one per object kind (works without a connection)."""
        return [SyncStatus.from_dict(s) for s in self._json("exsync_engine_status", arg.text(user, "user"))]


def _reports(engine_pointer: Any, missing_ok: bool = False) -> list[SyncReport]:
    """The last sync's reports (after a failed sync, those of the kinds done before it)."""
    try:
        text = _lib.read_text("exsync_engine_last_sync_report", engine_pointer)
    except ExsyncError:
        if missing_ok:
            return []
        raise
    return [SyncReport.from_dict(r) for r in json.loads(text)]

"""The library's JSON as dataclasses: records (:class:`Contact`, :class:`Event`), the application's
changes (:class:`AppChange`), Exchange's changes for the application (:class:`PendingChange`), sync
reports, per-user status, progress events and the simulator's item listing.

Each class reads its JSON with ``from_dict`` and writes it with ``to_dict``. Fields this package
does not know yet (from a newer library) are kept in ``extra`` and written back, so a record read and
reported again loses nothing. Times are timezone-aware :class:`~datetime.datetime` values and dates
:class:`~datetime.date` values.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Optional, Union


class Kind(enum.IntFlag):
    """Object kinds (``exsync_kind``), combinable: ``Kind.CONTACTS | Kind.EVENTS``."""

    CONTACTS = 1
    EVENTS = 2
    ALL = 3

    @property
    def json_name(self) -> str:
        """The name the JSON uses (``"contacts"``, ``"events"``); only for a single kind."""
        if self is Kind.CONTACTS:
            return "contacts"
        if self is Kind.EVENTS:
            return "events"
        raise ValueError(f"{self!r} is not a single kind")

    @classmethod
    def from_json_name(cls, name: str) -> "Kind":
        """The kind the JSON names ``"contacts"`` or ``"events"``."""
        try:
            return {"contacts": cls.CONTACTS, "events": cls.EVENTS}[name]
        except KeyError:
            raise ValueError(f"unknown object kind {name!r}") from None


# -- JSON helpers -------------------------------------------------------------------------------


def parse_time(value: Optional[str]) -> Optional[datetime]:
    """An RFC 3339 time (``2026-01-10T09:00:00Z``) as an aware datetime; ``None`` stays ``None``."""
    if value is None:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    # Python before 3.11 reads at most 6 fractional digits.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = head + "." + rest[: min(digits, 6)] + rest[digits:]
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return parsed


def format_time(value: Optional[datetime], name: str) -> Optional[str]:
    """An aware datetime as RFC 3339 in UTC; a naive one is refused (its zone is unknown)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (for example datetime(..., tzinfo=timezone.utc))")
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_date(value: Optional[str]) -> Optional[date]:
    return None if value is None else date.fromisoformat(value)


def _known(cls: type, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Splits ``data`` into the dataclass's fields and the rest."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} JSON must be an object, not {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
    known = {k: v for k, v in data.items() if k in names}
    extra = {k: v for k, v in data.items() if k not in names}
    return known, extra


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    """Writes ``value`` unless it is ``None`` or an empty list (the library's defaults)."""
    if value is None or value == []:
        return
    out[name] = value


# -- contacts -----------------------------------------------------------------------------------


@dataclass
class Email:
    """An e-mail address of a contact (at most 3)."""

    address: str
    name: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Email":
        return cls(address=data["address"], name=data.get("name"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"address": self.address}
        _put(out, "name", self.name)
        return out


@dataclass
class Phone:
    """A phone number; ``kind`` as the JSON names it (``"mobile"``, ``"work"``, ``"home"``, ...)."""

    kind: str
    number: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Phone":
        return cls(kind=data["kind"], number=data["number"])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number}


@dataclass
class PostalAddress:
    """A postal address; ``kind`` is ``"home"``, ``"work"`` or ``"other"``."""

    kind: str
    street: Optional[str] = None
    city: Optional[str] = None
    region: Optional[str] = None
    postal_code: Optional[str] = None
    country: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PostalAddress":
        known, _ = _known(cls, data)
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name in ("street", "city", "region", "postal_code", "country"):
            _put(out, name, getattr(self, name))
        return out


@dataclass
class Contact:
    """A contact as the application sees it (JSON ``{"kind": "contact", ...}``)."""

    display_name: Optional[str] = None
    given_name: Optional[str] = None
    middle_name: Optional[str] = None
    surname: Optional[str] = None
    nickname: Optional[str] = None
    company: Optional[str] = None
    department: Optional[str] = None
    job_title: Optional[str] = None
    emails: list[Email] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    notes: Optional[str] = None
    birthday: Optional[date] = None
    extra: dict[str, Any] = field(default_factory=dict)

    kind = Kind.CONTACTS

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Contact":
        known, extra = _known(cls, data)
        extra.pop("kind", None)
        known["emails"] = [Email.from_dict(e) for e in known.get("emails", [])]
        known["phones"] = [Phone.from_dict(p) for p in known.get("phones", [])]
        known["addresses"] = [PostalAddress.from_dict(a) for a in known.get("addresses", [])]
        known["birthday"] = _parse_date(known.get("birthday"))
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "contact", **self.extra}
        for name in ("display_name", "given_name", "middle_name", "surname", "nickname", "company"):
            _put(out, name, getattr(self, name))
        for name in ("department", "job_title"):
            _put(out, name, getattr(self, name))
        _put(out, "emails", [e.to_dict() for e in self.emails])
        _put(out, "phones", [p.to_dict() for p in self.phones])
        _put(out, "addresses", [a.to_dict() for a in self.addresses])
        _put(out, "notes", self.notes)
        _put(out, "birthday", self.birthday.isoformat() if self.birthday else None)
        return out


# -- events -------------------------------------------------------------------------------------


@dataclass
class Attendee:
    """An attendee; ``role`` is ``"required"``, ``"optional"`` or ``"resource"``."""

    email: str
    role: str = "required"
    name: Optional[str] = None
    response: Optional[str] = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Attendee":
        known, _ = _known(cls, data)
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"email": self.email, "role": self.role}
        _put(out, "name", self.name)
        _put(out, "response", self.response)
        return out


@dataclass
class Event:
    """A calendar event as the application sees it (JSON ``{"kind": "event", ...}``).

    ``recurrence`` is the JSON object as the library writes it
    (``{"rule": {"every": "weekly", ...}, "starts_on": "2026-01-05", "ends": "never" | {"until": ...}
    | {"count": n}, "exceptions": [...]}``), or ``None`` for a single event.
    """

    start: datetime
    end: datetime
    subject: Optional[str] = None
    body: Optional[str] = None
    location: Optional[str] = None
    time_zone: Optional[str] = None
    all_day: bool = False
    recurrence: Optional[dict[str, Any]] = None
    attendees: list[Attendee] = field(default_factory=list)
    sensitivity: str = "normal"
    show_as: str = "busy"
    reminder_minutes: Optional[int] = None
    extra: dict[str, Any] = field(default_factory=dict)

    kind = Kind.EVENTS

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        known, extra = _known(cls, data)
        extra.pop("kind", None)
        epoch = "1970-01-01T00:00:00Z"
        known["start"] = parse_time(known.get("start", epoch))
        known["end"] = parse_time(known.get("end", epoch))
        known["attendees"] = [Attendee.from_dict(a) for a in known.get("attendees", [])]
        return cls(**known, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "event", **self.extra}
        out["start"] = format_time(self.start, "start")
        out["end"] = format_time(self.end, "end")
        for name in ("subject", "body", "location", "time_zone"):
            _put(out, name, getattr(self, name))
        if self.all_day:
            out["all_day"] = True
        _put(out, "recurrence", self.recurrence)
        _put(out, "attendees", [a.to_dict() for a in self.attendees])
        if self.sensitivity != "normal":
            out["sensitivity"] = self.sensitivity
        out["show_as"] = self.show_as
        _put(out, "reminder_minutes", self.reminder_minutes)
        return out


Record = Union[Contact, Event]


def record_from_dict(data: dict[str, Any]) -> Record:
    """A record from its JSON, by its ``"kind"`` (``"contact"`` or ``"event"``)."""
    if not isinstance(data, dict):
        raise TypeError(f"a record must be a JSON object, not {type(data).__name__}")
    kind = data.get("kind")
    if kind == "contact":
        return Contact.from_dict(data)
    if kind == "event":
        return Event.from_dict(data)
    raise ValueError(f"unknown record kind {kind!r}")


# -- changes both ways --------------------------------------------------------------------------


@dataclass
class AppChange:
    """A change of the application's, for ``Engine.report``: ``record`` is the new content, or
    ``None`` when the record was deleted."""

    app_id: str
    record: Optional[Record] = None
    version: Optional[str] = None
    changed_at: Optional[datetime] = None

    def __post_init__(self) -> None:
        if not isinstance(self.app_id, str):
            raise TypeError(f"app_id must be a str, not {type(self.app_id).__name__}")
        if self.record is not None and not isinstance(self.record, (Contact, Event)):
            raise TypeError(f"record must be a Contact, an Event or None, not {type(self.record).__name__}")
        if self.version is not None and not isinstance(self.version, str):
            raise TypeError(f"version must be a str or None, not {type(self.version).__name__}")

    @property
    def is_delete(self) -> bool:
        """Whether the record was deleted."""
        return self.record is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"app_id": self.app_id}
        out["op"] = "delete" if self.record is None else {"upsert": self.record.to_dict()}
        _put(out, "version", self.version)
        _put(out, "changed_at", format_time(self.changed_at, "changed_at"))
        return out


@dataclass
class PendingChange:
    """One of Exchange's changes for the application to apply, then acknowledge with
    ``Engine.ack(user, change.seq)``. ``record`` is the new content, ``None`` for a deletion."""

    seq: int
    user: str
    kind: Kind
    app_id: str
    record: Optional[Record]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_delete(self) -> bool:
        """Whether the application must delete the record."""
        return self.record is None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PendingChange":
        known, extra = _known(cls, data)
        extra.pop("delivery", None)
        delivery = data.get("delivery")
        if delivery == "delete":
            record = None
        elif isinstance(delivery, dict) and "upsert" in delivery:
            record = record_from_dict(delivery["upsert"])
        else:
            raise ValueError(f"unknown delivery {delivery!r}")
        return cls(
            seq=int(known["seq"]),
            user=known["user"],
            kind=Kind.from_json_name(known["kind"]),
            app_id=known["app_id"],
            record=record,
            extra=extra,
        )


# -- reports and status -------------------------------------------------------------------------


@dataclass
class SyncReport:
    """What one sync of one kind did (``Engine.sync``): counts, and the conflicts, skipped changes
    and failed writes as the library describes them."""

    user: str
    kind: Kind
    mode: str
    listed: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    delivered: int = 0
    matched: int = 0
    recovered: int = 0
    conflicts: list[Any] = field(default_factory=list)
    skipped: list[Any] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SyncReport":
        known, extra = _known(cls, data)
        known["kind"] = Kind.from_json_name(known["kind"])
        return cls(**known, extra=extra)


@dataclass
class RunCounts:
    """What a sync run (or all runs) wrote, on each side."""

    listed: int = 0
    exchange_created: int = 0
    exchange_updated: int = 0
    exchange_deleted: int = 0
    app_created: int = 0
    app_updated: int = 0
    app_deleted: int = 0
    matched: int = 0
    recovered: int = 0
    conflicts: int = 0
    skipped: int = 0
    failed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunCounts":
        known, extra = _known(cls, data)
        return cls(**known, extra=extra)


@dataclass
class RunError:
    """Why a sync run failed: a stable ``kind`` (``"denied"``, ``"transient"``, ...), Exchange's
    response code when it gave one, a message, and when."""

    kind: str
    message: str
    at: Optional[datetime] = None
    code: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunError":
        known, extra = _known(cls, data)
        known["at"] = parse_time(known.get("at"))
        return cls(**known, extra=extra)


@dataclass
class SyncStatus:
    """A user's sync status for one kind (``Engine.status``)."""

    user: str
    kind: Kind
    last_attempt: Optional[datetime] = None
    last_success: Optional[datetime] = None
    last_run: Optional[RunCounts] = None
    totals: RunCounts = field(default_factory=RunCounts)
    last_error: Optional[RunError] = None
    consecutive_failures: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SyncStatus":
        known, extra = _known(cls, data)
        known["kind"] = Kind.from_json_name(known["kind"])
        known["last_attempt"] = parse_time(known.get("last_attempt"))
        known["last_success"] = parse_time(known.get("last_success"))
        last_run = known.get("last_run")
        known["last_run"] = None if last_run is None else RunCounts.from_dict(last_run)
        known["totals"] = RunCounts.from_dict(known.get("totals", {}))
        last_error = known.get("last_error")
        known["last_error"] = None if last_error is None else RunError.from_dict(last_error)
        return cls(**known, extra=extra)


@dataclass
class ProgressEvent:
    """One progress event of a sync: ``event`` is ``"folder_started"``, ``"page_fetched"``,
    ``"items_processed"`` or ``"folder_done"``; ``data`` is the whole JSON object."""

    event: str
    user: Optional[str]
    kind: Optional[Kind]
    data: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ProgressEvent":
        kind = data.get("kind")
        return cls(
            event=str(data.get("event")),
            user=data.get("user"),
            kind=Kind.from_json_name(kind) if isinstance(kind, str) else None,
            data=data,
        )


@dataclass
class SimItem:
    """An item in a simulated mailbox (``Simulator.items``): its Exchange id and change key, the
    application's id when exsync wrote it (``tag``), and its content as a record (``None``, with
    the reason in ``unmapped``, for an item exsync cannot read)."""

    id: str
    change_key: Optional[str]
    tag: Optional[str]
    record: Optional[Record]
    unmapped: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SimItem":
        known, extra = _known(cls, data)
        record = known.get("record")
        known["record"] = None if record is None else record_from_dict(record)
        known.setdefault("change_key", None)
        known.setdefault("tag", None)
        return cls(**known, extra=extra)

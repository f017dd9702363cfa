"""Python arguments to C ones, checked before any call: a wrong type raises :class:`TypeError`
(``None`` included where a value is required), text C cannot take raises :class:`ValueError`."""

from __future__ import annotations

import enum
import json
from typing import Any, Optional

_U32_MAX = 2**32 - 1
_U64_MAX = 2**64 - 1


def text(value: Any, name: str) -> bytes:
    """A required string, as NUL-terminated UTF-8."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{name} contains a NUL character, which C strings cannot hold")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"{name} is not encodable as UTF-8: {e.reason}") from None


def optional_text(value: Any, name: str) -> Optional[bytes]:
    """A string or ``None`` (passed as NULL)."""
    return None if value is None else text(value, name)


def json_text(value: Any, name: str, *, optional: bool = False) -> Optional[bytes]:
    """A JSON argument: a ``dict`` or ``list`` (serialized), an object with ``to_dict()`` (the
    records), or a ``str`` taken as JSON text as it is."""
    if value is None:
        if optional:
            return None
        raise TypeError(f"{name} must be a dict or JSON text, not None")
    if hasattr(value, "to_dict") and callable(value.to_dict):
        value = value.to_dict()
    if isinstance(value, str):
        return text(value, name)
    if isinstance(value, (dict, list)):
        try:
            return text(json.dumps(value, ensure_ascii=False), name)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{name} cannot be written as JSON: {e}") from None
    raise TypeError(f"{name} must be a dict, a list or JSON text, not {type(value).__name__}")


def key(value: Any, name: str = "key") -> bytes:
    """Key bytes (``bytes``, ``bytearray`` or ``memoryview``); the library checks the length."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, not {type(value).__name__}")


def integer(value: Any, name: str, low: int = 0, high: int = _U32_MAX) -> int:
    """An ``int`` (an ``IntEnum`` or ``IntFlag`` too, not a ``bool``) within C's range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= int(value) <= high:
        raise ValueError(f"{name} must be within {low}..{high}, not {int(value)}")
    return int(value)


def u64(value: Any, name: str) -> int:
    """An ``int`` within ``uint64_t``."""
    return integer(value, name, 0, _U64_MAX)


def flag(value: Any, name: str) -> int:
    """A ``bool`` as C's 0 or 1."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return 1 if value else 0


def member(value: Any, enum_type: type[enum.Enum], name: str) -> int:
    """A member of an ``IntEnum``/``IntFlag``, or its ``int`` value (range-checked by the library)."""
    if isinstance(value, str):
        try:
            value = enum_type[value.upper()]
        except KeyError:
            names = ", ".join(m.name.lower() for m in enum_type)  # type: ignore[union-attr]
            raise ValueError(f"{name} must be one of {names}, not {value!r}") from None
    return integer(value, name)

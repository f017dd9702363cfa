"""A simulated Exchange server on loopback (``exsync_simulator``), for tests without Exchange: EWS,
autodiscover and sign-in (NTLM, Basic, Bearer), plus a side door to change mailboxes as their owners
would in Outlook and to list what they hold."""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional, Union

from . import _arguments as arg
from . import _lib
from ._handle import Handle, new_handle
from .records import Kind, Record, SimItem


class Simulator(Handle):
    """Starts a simulated Exchange server on a free loopback port (or ``port``).

    ``domains``, ``service_account`` and ``password`` are required. The service account may
    impersonate every mailbox unless ``impersonate`` lists those it may. The server speaks plain
    HTTP unless ``tls`` is true. Close it (or use ``with``) to stop it and free it.
    """

    _FREE = "exsync_simulator_free"
    _WHAT = "simulator"

    def __init__(
        self,
        *,
        domains: Iterable[str],
        service_account: str,
        password: str,
        mailboxes: Iterable[str] = (),
        impersonate: Optional[Iterable[str]] = None,
        tls: bool = False,
        port: int = 0,
        seed: Optional[int] = None,
    ) -> None:
        config: dict[str, Any] = {
            "domains": _str_list(domains, "domains"),
            "service_account": _checked_str(service_account, "service_account"),
            "password": _checked_str(password, "password"),
            "mailboxes": _str_list(mailboxes, "mailboxes"),
            "impersonate": None if impersonate is None else _str_list(impersonate, "impersonate"),
            "tls": arg.flag(tls, "tls") == 1,
            "port": arg.integer(port, "port", 0, 65535),
            "seed": None if seed is None else arg.integer(seed, "seed", 0, 2**64 - 1),
        }
        self._start(arg.json_text(config, "config"))

    @classmethod
    def from_config(cls, config: Union[dict[str, Any], str]) -> "Simulator":
        """Starts a simulator from its JSON configuration (a dict, or JSON text as it is), as
        ``exsync_simulator_start`` takes it."""
        sim = cls.__new__(cls)
        sim._start(arg.json_text(config, "config"))
        return sim

    def _start(self, config_json: Optional[bytes]) -> None:
        Handle.__init__(self, new_handle("exsync_simulator_start", _lib.exsync_simulator, config_json))

    def _call(self, name: str, *args: Any) -> None:
        with self._borrow() as s:
            _lib.call(name, s, *args)

    def _text(self, name: str, *args: Any) -> str:
        with self._borrow() as s:
            return _lib.read_text(name, s, *args)

    @property
    def ews_url(self) -> str:
        """The EWS endpoint's URL (``http://127.0.0.1:PORT/EWS/Exchange.asmx``)."""
        return self._text("exsync_simulator_ews_url")

    @property
    def ca_certificate(self) -> str:
        """The PEM certificate of the authority that signed the server's (with ``tls=True``)."""
        return self._text("exsync_simulator_ca_certificate")

    def stop(self) -> None:
        """Stops the server, letting open requests finish; later calls but :meth:`close` raise
        ``CallError`` (``WRONG_STATE``)."""
        self._call("exsync_simulator_stop")

    def add_mailbox(self, address: str) -> None:
        """Adds a mailbox (in a configured domain) while the server runs."""
        self._call("exsync_simulator_add_mailbox", arg.text(address, "address"))

    def create_item(self, mailbox: str, record: Union[Record, dict[str, Any], str]) -> str:
        """Side door: creates ``record`` in ``mailbox`` as its owner would in Outlook (a contact in
        the contacts folder, an event in the calendar); the new item's Exchange id."""
        m = arg.text(mailbox, "mailbox")
        body = arg.json_text(record, "record")
        with self._borrow() as s:
            _lib.call("exsync_simulator_create_item", s, m, body)
            return _lib.read_text("exsync_simulator_last_created_id", s)

    def update_item(self, mailbox: str, item_id: str, record: Union[Record, dict[str, Any], str]) -> None:
        """Side door: sets item ``item_id``'s fields to those of ``record``, as its owner would."""
        self._call(
            "exsync_simulator_update_item",
            arg.text(mailbox, "mailbox"),
            arg.text(item_id, "item_id"),
            arg.json_text(record, "record"),
        )

    def delete_item(self, mailbox: str, item_id: str) -> None:
        """Side door: deletes item ``item_id`` as Outlook's Delete key does."""
        self._call("exsync_simulator_delete_item", arg.text(mailbox, "mailbox"), arg.text(item_id, "item_id"))

    def items(self, mailbox: str, kind: Union[Kind, int, str]) -> list[SimItem]:
        """The items of ``mailbox``'s contacts folder (``Kind.CONTACTS``) or calendar
        (``Kind.EVENTS``), in creation order."""
        text = self._text("exsync_simulator_items", arg.text(mailbox, "mailbox"), arg.member(kind, Kind, "kind"))
        return [SimItem.from_dict(i) for i in json.loads(text)]


def _checked_str(value: Any, name: str) -> str:
    arg.text(value, name)
    return value


def _str_list(values: Any, name: str) -> list[str]:
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a list of str, not {type(values).__name__}")
    items = list(values)
    for v in items:
        _checked_str(v, f"each of {name}")
    return items

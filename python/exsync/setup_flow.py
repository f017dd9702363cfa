"""The admin's setup flow (``exsync_setup``): seven steps, validation against Exchange, and saving
into an engine's state store.

    with Setup() as setup:
        setup.set_sync_scope(Kind.ALL)                     # step 1
        setup.set_connection_method(Method.NTLM)           # step 2
        setup.set_user_name("contoso.com\\\\svc")            # step 3
        setup.set_password(password)                       # step 4
        setup.set_additional_domains([])                   # step 5
        setup.set_validation_target("alice@contoso.com")   # step 6
        if setup.validate():
            setup.save(engine, key)                        # step 7
        else:
            print(setup.validation_report())
"""

from __future__ import annotations

import ctypes
import enum
import json
from typing import Any, Iterable, Optional, Union

from . import _arguments as arg
from . import _lib
from ._handle import Handle, new_handle
from .engine import Engine
from .records import Kind


class Method(enum.IntEnum):
    """How the application signs in to Exchange (``exsync_method``, step 2)."""

    BASIC = 1
    NTLM = 2
    OAUTH = 3


class Step(enum.IntEnum):
    """The setup's steps, 1 to 7 (``exsync_step``)."""

    SYNC_SCOPE = 1
    CONNECTION_METHOD = 2
    SERVICE_ACCOUNT = 3
    CREDENTIALS = 4
    DOMAINS = 5
    VALIDATE = 6
    SAVE = 7


class Setup(Handle):
    """The setup flow for one profile (``"default"`` unless named). Close it (or use ``with``) to
    free it and wipe its secrets from memory."""

    _FREE = "exsync_setup_free"
    _WHAT = "setup"

    def __init__(self, profile: Optional[str] = None) -> None:
        if profile is None:
            pointer = new_handle("exsync_setup_new", _lib.exsync_setup)
        else:
            pointer = new_handle("exsync_setup_new_for_profile", _lib.exsync_setup, arg.text(profile, "profile"))
        super().__init__(pointer)

    @classmethod
    def _adopt(cls, pointer: Any) -> "Setup":
        setup = cls.__new__(cls)
        Handle.__init__(setup, pointer)
        return setup

    @classmethod
    def open_saved(cls, engine: Engine, key: Union[bytes, bytearray, memoryview]) -> "Setup":
        """Reopens the setup saved in ``engine``'s store for editing (at step 7), reading its
        secrets with ``key``."""
        if not isinstance(engine, Engine):
            raise TypeError(f"engine must be an exsync.Engine, not {type(engine).__name__}")
        k = arg.key(key)
        with engine._borrow() as e:
            pointer = new_handle("exsync_setup_open_saved", _lib.exsync_setup, e, k, len(k))
        return cls._adopt(pointer)

    def _call(self, name: str, *args: Any) -> None:
        with self._borrow() as s:
            _lib.call(name, s, *args)

    def _text(self, name: str) -> str:
        with self._borrow() as s:
            return _lib.read_text(name, s)

    # -- moving between steps ---------------------------------------------------------------

    @property
    def current_step(self) -> Step:
        """The step the admin is on."""
        out = ctypes.c_uint32(0)
        self._call("exsync_setup_current_step", ctypes.byref(out))
        return Step(out.value)

    def go_to(self, step: Union[Step, int]) -> None:
        """Moves to ``step``: back to edit it, or forward over completed steps."""
        self._call("exsync_setup_go_to", arg.member(step, Step, "step"))

    def back(self) -> None:
        """Moves to the previous step that applies."""
        self._call("exsync_setup_back")

    # -- the steps --------------------------------------------------------------------------

    def set_sync_scope(self, kinds: Union[Kind, int]) -> None:
        """Step 1: what syncs (``Kind.CONTACTS``, ``Kind.EVENTS`` or ``Kind.ALL``)."""
        self._call("exsync_setup_set_sync_scope", arg.member(kinds, Kind, "kinds"))

    def set_connection_method(self, method: Union[Method, int]) -> None:
        """Step 2: a service account (``Method.BASIC``, ``Method.NTLM``) or ``Method.OAUTH``."""
        self._call("exsync_setup_set_connection_method", arg.member(method, Method, "method"))

    def set_user_name(self, user_name: str) -> None:
        """Step 3: the service account as a UPN (``svc@contoso.com``) or down-level name
        (``contoso.com\\svc``)."""
        self._call("exsync_setup_set_user_name", arg.text(user_name, "user_name"))

    def set_password(self, password: str) -> None:
        """Step 4 for a service account: its password (never handed back)."""
        self._call("exsync_setup_set_password", arg.text(password, "password"))

    def set_oauth_app(self, app: Union[dict[str, Any], str]) -> None:
        """Step 4 for OAuth 2.0: ``{"tenant", "client_id", "client_secret"}`` or a certificate's
        ``"certificate_thumbprint"`` and ``"private_key_pem"``; optional ``"authority_host"``."""
        self._call("exsync_setup_set_oauth_app", arg.json_text(app, "app"))

    def set_additional_domains(self, domains: Union[Iterable[str], str]) -> None:
        """Step 5: the users' domains besides the service account's (a list, or comma-separated
        text; may be empty)."""
        if isinstance(domains, str):
            text = domains
        elif domains is None or isinstance(domains, (bytes, bytearray)):
            raise TypeError("domains must be a list of str or comma-separated text")
        else:
            items = list(domains)
            for d in items:
                if not isinstance(d, str):
                    raise TypeError(f"each domain must be a str, not {type(d).__name__}")
                if "," in d:
                    raise ValueError(f"domain {d!r} contains a comma")
            text = ",".join(items)
        self._call("exsync_setup_set_additional_domains", arg.text(text, "domains"))

    def set_allow_http_loopback(self, allow: bool) -> None:
        """Allows plain HTTP to loopback hosts (test servers such as the simulator only)."""
        self._call("exsync_setup_set_allow_http_loopback", arg.flag(allow, "allow"))

    def trust_ca_pem(self, ca_pem: str) -> None:
        """Trusts the PEM CA certificate ``ca_pem`` (an on-premises Exchange's internal CA, or
        ``Simulator.ca_certificate``) besides the public roots when validating. A certificate that does
        not read raises ``CallError`` (``INVALID_ARGUMENT``) and is not kept."""
        self._call("exsync_setup_trust_ca_pem", arg.text(ca_pem, "ca_pem"))

    def set_validation_target(self, test_mailbox: str, ews_url: Optional[str] = None) -> None:
        """Step 6's fields: the mailbox to test with, and the EWS URL when entered by hand
        (``None`` to find it by autodiscover)."""
        self._call(
            "exsync_setup_set_validation_target",
            arg.text(test_mailbox, "test_mailbox"),
            arg.optional_text(ews_url, "ews_url"),
        )

    def start_validation(self) -> None:
        """Step 6: checks the inputs and prepares a validation (no I/O yet)."""
        self._call("exsync_setup_start_validation")

    def run_validation(self) -> bool:
        """Step 6: runs the started validation (blocking); whether every check passed."""
        passed = ctypes.c_int32(0)
        self._call("exsync_setup_run_validation", ctypes.byref(passed))
        return bool(passed.value)

    def validate(self) -> bool:
        """Step 6 in one call; whether every check passed (read why not in
        :meth:`validation_report`)."""
        passed = ctypes.c_int32(0)
        self._call("exsync_setup_validate", ctypes.byref(passed))
        return bool(passed.value)

    def save(self, engine: Engine, key: Union[bytes, bytearray, memoryview]) -> None:
        """Step 7: saves the setup into ``engine``'s state store, its secrets sealed under
        ``key`` (32 bytes the host keeps). Needs a passing validation of the current inputs."""
        if not isinstance(engine, Engine):
            raise TypeError(f"engine must be an exsync.Engine, not {type(engine).__name__}")
        k = arg.key(key)
        with self._borrow() as s, engine._borrow() as e:
            _lib.call("exsync_setup_save", s, e, k, len(k))

    # -- what the flow holds ----------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Where the flow stands (steps, inputs without secrets, validation status)."""
        return json.loads(self._text("exsync_setup_state"))

    def validation_report(self) -> dict[str, Any]:
        """The last validation's report: each check's name, status, time, what was seen and what
        to do, and the findings."""
        return json.loads(self._text("exsync_setup_validation_report"))

    def saved_config(self) -> dict[str, Any]:
        """The configuration the last save (or :meth:`open_saved`) produced (secret references
        only)."""
        return json.loads(self._text("exsync_setup_saved_config"))

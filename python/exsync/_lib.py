"""Finding and loading libexsync, and every C function's signature.

The library is the one named by the environment variable ``EXSYNC_LIBRARY``; without it, the newest
``libexsync`` that cargo built under ``$CARGO_TARGET_DIR`` or ``target/`` (``debug`` or ``release``),
looked for from the current directory and from this checkout. It is loaded on first use, so that
``import exsync`` works without it.

``SIGNATURES`` lists each function as the header ``include/exsync.h`` declares it (C type names), and
the tests check it against the header, so that a function added to the C ABI is declared here too.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from pathlib import Path
from typing import Callable, Optional

from .errors import ErrorCode, LibraryNotFoundError, error_for


class exsync_setup(ctypes.Structure):
    """The opaque setup handle (never dereferenced)."""


class exsync_engine(ctypes.Structure):
    """The opaque engine handle (never dereferenced)."""


class exsync_simulator(ctypes.Structure):
    """The opaque simulator handle (never dereferenced)."""


#: ``void (*)(void *userdata, const char *event_json)``
PROGRESS_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)

#: C type names, as the header spells them, to ctypes types. Handle pointers are typed, so that
#: ctypes refuses an engine where a setup is expected.
C_TYPES = {
    "void": None,
    "exsync_result": ctypes.c_int32,
    "int32_t": ctypes.c_int32,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "const char *": ctypes.c_char_p,
    "char *": ctypes.c_char_p,
    "const uint8_t *": ctypes.c_char_p,
    "int32_t *": ctypes.POINTER(ctypes.c_int32),
    "uint32_t *": ctypes.POINTER(ctypes.c_uint32),
    "uint64_t *": ctypes.POINTER(ctypes.c_uint64),
    "size_t *": ctypes.POINTER(ctypes.c_size_t),
    "void *": ctypes.c_void_p,
    "exsync_progress_callback": PROGRESS_CALLBACK,
    "exsync_setup *": ctypes.POINTER(exsync_setup),
    "const exsync_setup *": ctypes.POINTER(exsync_setup),
    "exsync_setup **": ctypes.POINTER(ctypes.POINTER(exsync_setup)),
    "exsync_engine *": ctypes.POINTER(exsync_engine),
    "const exsync_engine *": ctypes.POINTER(exsync_engine),
    "exsync_engine **": ctypes.POINTER(ctypes.POINTER(exsync_engine)),
    "exsync_simulator *": ctypes.POINTER(exsync_simulator),
    "const exsync_simulator *": ctypes.POINTER(exsync_simulator),
    "exsync_simulator **": ctypes.POINTER(ctypes.POINTER(exsync_simulator)),
}

_R = "exsync_result"
_TEXT_OUT = ["char *", "size_t", "size_t *"]

#: name -> (return type, [parameter types]), as in include/exsync.h.
SIGNATURES: dict[str, tuple[str, list[str]]] = {
    # version and errors
    "exsync_version": ("const char *", []),
    "exsync_last_error_code": (_R, []),
    "exsync_last_error_message": (_R, _TEXT_OUT),
    "exsync_result_name": ("const char *", ["int32_t"]),
    # engine
    "exsync_engine_open": (_R, ["const char *", "exsync_engine **"]),
    "exsync_engine_free": ("void", ["exsync_engine *"]),
    "exsync_engine_connect": (_R, ["exsync_engine *", "const uint8_t *", "size_t"]),
    "exsync_engine_trust_ca_pem": (_R, ["exsync_engine *", "const char *"]),
    "exsync_engine_set_request_budget": (_R, ["exsync_engine *", "uint32_t"]),
    "exsync_engine_enrol": (_R, ["exsync_engine *", "const char *", "const char *"]),
    "exsync_engine_user_settings": (_R, ["const exsync_engine *", "const char *", *_TEXT_OUT]),
    "exsync_engine_users": (_R, ["const exsync_engine *", *_TEXT_OUT]),
    "exsync_engine_remove_user": (_R, ["exsync_engine *", "const char *", "int32_t *"]),
    "exsync_engine_report": (_R, ["exsync_engine *", "const char *", "uint32_t", "const char *", "uint64_t *"]),
    "exsync_engine_sync": (_R, ["exsync_engine *", "const char *", "uint32_t"]),
    "exsync_engine_last_sync_report": (_R, ["const exsync_engine *", *_TEXT_OUT]),
    "exsync_engine_pending": (_R, ["const exsync_engine *", "const char *", "uint32_t", *_TEXT_OUT]),
    "exsync_engine_ack": (_R, ["exsync_engine *", "const char *", "uint64_t", "const char *", "int32_t *"]),
    "exsync_engine_status": (_R, ["const exsync_engine *", "const char *", *_TEXT_OUT]),
    "exsync_engine_set_progress": (_R, ["exsync_engine *", "exsync_progress_callback", "void *"]),
    # setup
    "exsync_setup_new": (_R, ["exsync_setup **"]),
    "exsync_setup_new_for_profile": (_R, ["const char *", "exsync_setup **"]),
    "exsync_setup_free": ("void", ["exsync_setup *"]),
    "exsync_setup_current_step": (_R, ["const exsync_setup *", "uint32_t *"]),
    "exsync_setup_go_to": (_R, ["exsync_setup *", "uint32_t"]),
    "exsync_setup_back": (_R, ["exsync_setup *"]),
    "exsync_setup_set_sync_scope": (_R, ["exsync_setup *", "uint32_t"]),
    "exsync_setup_set_connection_method": (_R, ["exsync_setup *", "uint32_t"]),
    "exsync_setup_set_user_name": (_R, ["exsync_setup *", "const char *"]),
    "exsync_setup_set_password": (_R, ["exsync_setup *", "const char *"]),
    "exsync_setup_set_oauth_app": (_R, ["exsync_setup *", "const char *"]),
    "exsync_setup_set_additional_domains": (_R, ["exsync_setup *", "const char *"]),
    "exsync_setup_set_allow_http_loopback": (_R, ["exsync_setup *", "int32_t"]),
    "exsync_setup_trust_ca_pem": (_R, ["exsync_setup *", "const char *"]),
    "exsync_setup_set_validation_target": (_R, ["exsync_setup *", "const char *", "const char *"]),
    "exsync_setup_start_validation": (_R, ["exsync_setup *"]),
    "exsync_setup_run_validation": (_R, ["exsync_setup *", "int32_t *"]),
    "exsync_setup_validate": (_R, ["exsync_setup *", "int32_t *"]),
    "exsync_setup_state": (_R, ["const exsync_setup *", *_TEXT_OUT]),
    "exsync_setup_validation_report": (_R, ["const exsync_setup *", *_TEXT_OUT]),
    "exsync_setup_save": (_R, ["exsync_setup *", "exsync_engine *", "const uint8_t *", "size_t"]),
    "exsync_setup_saved_config": (_R, ["const exsync_setup *", *_TEXT_OUT]),
    "exsync_setup_open_saved": (_R, ["exsync_engine *", "const uint8_t *", "size_t", "exsync_setup **"]),
    # simulator
    "exsync_simulator_start": (_R, ["const char *", "exsync_simulator **"]),
    "exsync_simulator_stop": (_R, ["exsync_simulator *"]),
    "exsync_simulator_free": ("void", ["exsync_simulator *"]),
    "exsync_simulator_ews_url": (_R, ["const exsync_simulator *", *_TEXT_OUT]),
    "exsync_simulator_ca_certificate": (_R, ["const exsync_simulator *", *_TEXT_OUT]),
    "exsync_simulator_add_mailbox": (_R, ["exsync_simulator *", "const char *"]),
    "exsync_simulator_create_item": (_R, ["exsync_simulator *", "const char *", "const char *"]),
    "exsync_simulator_last_created_id": (_R, ["const exsync_simulator *", *_TEXT_OUT]),
    "exsync_simulator_update_item": (_R, ["exsync_simulator *", "const char *", "const char *", "const char *"]),
    "exsync_simulator_delete_item": (_R, ["exsync_simulator *", "const char *", "const char *"]),
    "exsync_simulator_items": (_R, ["const exsync_simulator *", "const char *", "uint32_t", *_TEXT_OUT]),
}

ENV_VAR = "EXSYNC_LIBRARY"


def library_file_name() -> str:
    """The file name cargo gives the shared library on this platform."""
    if sys.platform == "win32":
        return "exsync.dll"
    if sys.platform == "darwin":
        return "libexsync.dylib"
    return "libexsync.so"


def candidate_paths() -> list[Path]:
    """Where cargo may have built the library, before checking which exist."""
    roots: list[Path] = []
    target_dir = os.environ.get("CARGO_TARGET_DIR")
    if target_dir:
        roots.append(Path(target_dir))
    roots.append(Path.cwd() / "target")
    # This file is python/exsync/_lib.py in the repository; its target/ is two folders up.
    roots.append(Path(__file__).resolve().parent.parent.parent / "target")
    name = library_file_name()
    paths: list[Path] = []
    for root in roots:
        for profile in ("debug", "release"):
            path = (root / profile / name).resolve()
            if path not in paths:
                paths.append(path)
    return paths


def find_library() -> Path:
    """The library to load: ``$EXSYNC_LIBRARY``, or the newest one cargo built."""
    named = os.environ.get(ENV_VAR)
    if named:
        path = Path(named)
        if not path.is_file():
            raise LibraryNotFoundError(f"{ENV_VAR} names {named!r}, which is not a file")
        return path
    found = [p for p in candidate_paths() if p.is_file()]
    if not found:
        looked = ", ".join(str(p) for p in candidate_paths())
        raise LibraryNotFoundError(
            f"libexsync was not found (looked in {looked}); build it with `cargo build` "
            f"or name it with the environment variable {ENV_VAR}"
        )
    return max(found, key=lambda p: p.stat().st_mtime)


def declare(cdll: ctypes.CDLL) -> None:
    """Sets every function's argtypes and restype from ``SIGNATURES``."""
    for name, (restype, params) in SIGNATURES.items():
        try:
            function = getattr(cdll, name)
        except AttributeError:
            raise LibraryNotFoundError(
                f"the library loaded lacks {name}: it is older than this package; rebuild it"
            ) from None
        function.restype = C_TYPES[restype]
        function.argtypes = [C_TYPES[p] for p in params]


_loaded: Optional[ctypes.CDLL] = None
_loaded_path: Optional[Path] = None
_load_lock = threading.Lock()


def lib() -> ctypes.CDLL:
    """The loaded library, with every function declared (loaded on the first call)."""
    global _loaded, _loaded_path
    if _loaded is not None:
        return _loaded
    with _load_lock:
        if _loaded is None:
            path = find_library()
            try:
                cdll = ctypes.CDLL(str(path))
            except OSError as e:
                raise LibraryNotFoundError(f"{path} could not be loaded: {e}") from e
            declare(cdll)
            _loaded_path = path
            _loaded = cdll
    return _loaded


def library_path() -> Path:
    """The file of the library loaded (loading it if needed)."""
    lib()
    assert _loaded_path is not None
    return _loaded_path


def version() -> str:
    """The loaded library's version, ``MAJOR.MINOR.PATCH``."""
    return lib().exsync_version().decode("utf-8")


def last_error_message() -> str:
    """The message of the last failed call on this thread (empty when there is none)."""
    cdll = lib()
    length = ctypes.c_size_t(0)
    size = 256
    while True:
        buf = ctypes.create_string_buffer(size)
        rc = cdll.exsync_last_error_message(buf, size, ctypes.byref(length))
        if rc == ErrorCode.OK:
            return buf.value.decode("utf-8", errors="replace")
        if rc != ErrorCode.BUFFER_TOO_SMALL:
            return ""
        size = length.value + 1


def result_name(code: int) -> str:
    """The header's name of ``code`` (``EXSYNC_ERR_UNKNOWN`` for a number that is not one)."""
    return lib().exsync_result_name(code).decode("ascii")


def check(rc: int) -> None:
    """Raises the exception for ``rc`` (with the last error's message) unless it is ``EXSYNC_OK``."""
    if rc != ErrorCode.OK:
        raise error_for(rc, last_error_message(), result_name(rc))


def call(name: str, *args) -> None:
    """Calls ``name`` and raises its error, if any."""
    check(getattr(lib(), name)(*args))


def read_text(name: str, *args) -> str:
    """Calls a function with the output buffer protocol (its last three parameters) and returns
    the text: asks for the length first, then reads into a buffer of that size (again if the text
    grew in between)."""
    function: Callable[..., int] = getattr(lib(), name)
    length = ctypes.c_size_t(0)
    rc = function(*args, None, 0, ctypes.byref(length))
    while True:
        if rc != ErrorCode.BUFFER_TOO_SMALL:
            check(rc)
        size = length.value + 1
        buf = ctypes.create_string_buffer(size)
        rc = function(*args, buf, size, ctypes.byref(length))
        if rc == ErrorCode.OK:
            return buf.raw[: length.value].decode("utf-8")

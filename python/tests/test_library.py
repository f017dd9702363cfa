"""The library the package loads, and the package's declarations checked against include/exsync.h."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import exsync
from exsync import _lib
from exsync.errors import ErrorCode, LibraryNotFoundError

from conftest import REPO

HEADER = REPO / "include" / "exsync.h"


def header_text() -> str:
    return re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)


def header_prototypes() -> dict[str, tuple[str, list[str]]]:
    """``name -> (return type, [parameter types])`` of every function the header declares."""
    out: dict[str, tuple[str, list[str]]] = {}
    for m in re.finditer(r"^(?!typedef)([A-Za-z_][\w ]*?\**)\s*\b(exsync_\w+)\(([^)]*)\);", header_text(), re.M):
        ret, name, params = m.group(1), m.group(2), " ".join(m.group(3).split())
        types = []
        if params != "void":
            for p in params.split(","):
                p = p.strip()
                # The parameter's name is the last identifier; the rest is its type.
                t = re.sub(r"\b\w+$", "", p).strip()
                types.append(normalize(t))
        out[name] = (normalize(ret), types)
    return out


def normalize(c_type: str) -> str:
    c_type = re.sub(r"\s*(\*+)\s*", r" \1", c_type.strip())
    return " ".join(c_type.split())


def test_every_function_of_the_header_is_declared_with_its_signature():
    prototypes = header_prototypes()
    assert len(prototypes) > 40, "the header parser found too few functions"
    assert set(prototypes) == set(_lib.SIGNATURES), (
        f"missing here: {sorted(set(prototypes) - set(_lib.SIGNATURES))}; "
        f"not in the header: {sorted(set(_lib.SIGNATURES) - set(prototypes))}"
    )
    for name, (ret, params) in prototypes.items():
        declared_ret, declared_params = _lib.SIGNATURES[name]
        assert (normalize(declared_ret), [normalize(p) for p in declared_params]) == (ret, params), name


def test_every_declaration_is_applied_to_the_loaded_library():
    cdll = _lib.lib()
    for name, (ret, params) in _lib.SIGNATURES.items():
        function = getattr(cdll, name)
        assert function.restype is _lib.C_TYPES[ret], name
        assert list(function.argtypes) == [_lib.C_TYPES[p] for p in params], name


def test_error_codes_match_the_header_and_the_library():
    in_header = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\s*EXSYNC_(?:ERR_)?(\w+) = (\d+),", header_text(), re.M)
        if not m.group(1).startswith(("KIND_", "METHOD_", "STEP_"))
    }
    assert in_header == {c.name: c.value for c in ErrorCode}
    for code in ErrorCode:
        expected = "EXSYNC_OK" if code is ErrorCode.OK else f"EXSYNC_ERR_{code.name}"
        assert _lib.result_name(code) == expected
    assert _lib.result_name(12345) == "EXSYNC_ERR_UNKNOWN"


def test_kinds_methods_and_steps_match_the_header():
    text = header_text()
    for prefix, enum_type in (("KIND", exsync.Kind), ("METHOD", exsync.Method), ("STEP", exsync.Step)):
        found = {m.group(1): int(m.group(2)) for m in re.finditer(rf"EXSYNC_{prefix}_(\w+) = (\d+),", text)}
        assert found == {name: m.value for name, m in enum_type.__members__.items()}, prefix


def test_versions_agree_with_cargo_toml():
    cargo = (REPO / "Cargo.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    pyproject = (REPO / "python" / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1) == version
    assert exsync.library_version() == version
    assert exsync.__version__ == version


def test_the_environment_variable_names_the_library(monkeypatch, tmp_path):
    fake = tmp_path / "libexsync-custom.so"
    fake.write_bytes(b"")
    monkeypatch.setenv("EXSYNC_LIBRARY", str(fake))
    assert _lib.find_library() == fake
    monkeypatch.setenv("EXSYNC_LIBRARY", str(tmp_path / "absent.so"))
    with pytest.raises(LibraryNotFoundError, match="EXSYNC_LIBRARY names"):
        _lib.find_library()


def test_without_the_variable_the_newest_cargo_build_is_found(monkeypatch, tmp_path):
    monkeypatch.delenv("EXSYNC_LIBRARY", raising=False)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(tmp_path / "t"))
    monkeypatch.chdir(tmp_path)
    # Hide this checkout's own target/ by pointing the package's fallback elsewhere.
    monkeypatch.setattr(_lib, "__file__", str(tmp_path / "python" / "exsync" / "_lib.py"))
    with pytest.raises(LibraryNotFoundError, match="cargo build"):
        _lib.find_library()
    name = _lib.library_file_name()
    debug = tmp_path / "t" / "debug" / name
    release = tmp_path / "target" / "release" / name
    for path, mtime in ((debug, 1_000_000), (release, 2_000_000)):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
        os.utime(path, (mtime, mtime))
    assert _lib.find_library() == release.resolve()


def test_the_loaded_library_is_a_cargo_build_or_the_named_one():
    path = exsync.library_path()
    assert path.is_file()
    named = os.environ.get("EXSYNC_LIBRARY")
    if named:
        assert Path(named).resolve() == path.resolve()
    else:
        assert path.parent.name in ("debug", "release")

"""Fixtures of the exchangelib interoperability tests: a fresh simulator process per test, and
exchangelib accounts pointed at it with Basic auth and a fixed endpoint (no autodiscover).

The simulator binary is the `sim_server` example; scripts/test-all builds it and passes its path in
EXSYNC_SIM_SERVER. Without that variable the fixture looks for it under CARGO_TARGET_DIR (or the
repository's target/), debug build first.
"""

import os
import pathlib
import queue
import signal
import subprocess
import threading
from dataclasses import dataclass

import pytest
from exchangelib import BASIC, DELEGATE, IMPERSONATION, Account, Configuration, Credentials
from exchangelib.protocol import close_connections
from exchangelib.version import Build, Version

SVC = "svc@contoso.com"
SVC_PASSWORD = "Sv3-Interop!"
ALICE = "alice@contoso.com"
ALICE_PASSWORD = "Al1ce-Own!"
BOB = "bob@contoso.com"
START_TIMEOUT = 30

REPO = pathlib.Path(__file__).resolve().parents[2]


def sim_binary() -> pathlib.Path:
    """The sim_server binary: EXSYNC_SIM_SERVER, else the newest build under the target dir."""
    given = os.environ.get("EXSYNC_SIM_SERVER")
    if given:
        path = pathlib.Path(given)
        if not path.is_file():
            pytest.fail(f"EXSYNC_SIM_SERVER={given} is not a file")
        return path
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    for profile in ("debug", "release"):
        candidate = target / profile / "examples" / "sim_server"
        if candidate.is_file():
            return candidate
    pytest.fail(
        f"no sim_server binary under {target}: build it with "
        "`cargo build --example sim_server` or set EXSYNC_SIM_SERVER"
    )


@dataclass
class Sim:
    """A running simulator process."""

    process: subprocess.Popen
    ews_url: str
    lines: list

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_sim(*extra: str) -> Sim:
    """Starts sim_server on a free port and waits for the EWS URL it prints."""
    args = [
        str(sim_binary()),
        "--port",
        "0",
        "--service-account",
        f"{SVC}:{SVC_PASSWORD}",
        "--user",
        f"{ALICE}:{ALICE_PASSWORD}",
        "--mailbox",
        BOB,
        *extra,
    ]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list = []
    found: "queue.Queue[str | None]" = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("EWS:"):
                found.put(line.split(None, 1)[1].strip())
        found.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        url = found.get(timeout=START_TIMEOUT)
    except queue.Empty:
        url = None
    if url is None:
        process.kill()
        process.wait(timeout=10)
        pytest.fail("sim_server did not print its EWS URL; its output:\n" + "\n".join(lines))
    return Sim(process=process, ews_url=url, lines=lines)


@pytest.fixture
def sim():
    """A fresh simulator (Exchange 2019) for one test."""
    s = start_sim()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _close_exchangelib_sessions():
    """exchangelib caches protocols (and their HTTP sessions) per endpoint: drop them after each test."""
    yield
    close_connections()


def config(sim: Sim, user: str = SVC, password: str = SVC_PASSWORD, version: Version | None = None) -> Configuration:
    """An exchangelib configuration: fixed endpoint, Basic auth, version guessed unless given."""
    return Configuration(
        service_endpoint=sim.ews_url,
        credentials=Credentials(user, password),
        auth_type=BASIC,
        version=version,
    )


def impersonating(sim: Sim, mailbox: str = ALICE, version: Version | None = None) -> Account:
    """The service account impersonating `mailbox`."""
    return Account(
        primary_smtp_address=mailbox,
        config=config(sim, version=version),
        autodiscover=False,
        access_type=IMPERSONATION,
    )


def delegate(sim: Sim) -> Account:
    """Alice signed in to her own mailbox."""
    return Account(
        primary_smtp_address=ALICE,
        config=config(sim, ALICE, ALICE_PASSWORD),
        autodiscover=False,
        access_type=DELEGATE,
    )


@pytest.fixture
def alice(sim):
    """The service account impersonating Alice."""
    return impersonating(sim)


# A version given up front (Exchange 2016 CU23), so exchangelib skips its guessing.
EXCHANGE_2016 = Version(build=Build(15, 1, 2507, 6))

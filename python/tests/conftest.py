"""Fixtures: a simulated Exchange (contoso.com, a service account, Alice and Bob), the host's key,
a setup walked to a passing validation, and an engine with that setup saved."""

from __future__ import annotations

from pathlib import Path

import pytest

import exsync

DOMAIN = "contoso.com"
SERVICE_ACCOUNT = "svc@contoso.com"
PASSWORD = "Passw0rd!"
ALICE = "alice@contoso.com"
BOB = "bob@contoso.com"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sim():
    with exsync.Simulator(
        domains=[DOMAIN], service_account=SERVICE_ACCOUNT, password=PASSWORD, mailboxes=[ALICE, BOB]
    ) as s:
        yield s


@pytest.fixture
def key() -> bytes:
    """The host's 32-byte key (an OS keychain keeps it in real life)."""
    return bytes((i * 7 + 1) % 256 for i in range(32))


def fill_steps(setup: exsync.Setup, sim: exsync.Simulator, password: str = PASSWORD) -> None:
    """Steps 1-5 and step 6's fields for an NTLM service account against ``sim``."""
    setup.set_sync_scope(exsync.Kind.ALL)
    setup.set_connection_method(exsync.Method.NTLM)
    setup.set_user_name("contoso.com\\svc")
    setup.set_password(password)
    setup.set_additional_domains([])
    setup.set_allow_http_loopback(True)
    setup.set_validation_target(ALICE, sim.ews_url)


@pytest.fixture
def validated_setup(sim):
    with exsync.Setup() as setup:
        fill_steps(setup, sim)
        assert setup.validate(), setup.validation_report()
        yield setup


@pytest.fixture
def engine():
    with exsync.Engine() as e:
        yield e


@pytest.fixture
def saved_engine(validated_setup, engine, key):
    """An engine whose store holds the validated setup (not connected yet)."""
    validated_setup.save(engine, key)
    return engine

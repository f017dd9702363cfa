"""The admin's setup flow from Python against the simulator: every step, the validation report as a
dict, saving into an engine's store, and reopening it."""

from __future__ import annotations

import json

import pytest

import exsync
from exsync import ErrorCode, Kind, Method, Step

from conftest import ALICE, PASSWORD, fill_steps


def test_every_step_in_order_then_validation_and_save(sim, engine, key):
    with exsync.Setup() as setup:
        assert setup.current_step is Step.SYNC_SCOPE
        state = setup.state()
        assert state["profile"] == "default"
        assert [s["number"] for s in state["steps"]] == [1, 2, 3, 4, 5, 6, 7]
        assert state["validation"] == {"status": "not_run"}

        setup.set_sync_scope(Kind.CONTACTS | Kind.EVENTS)
        assert setup.current_step is Step.CONNECTION_METHOD
        setup.set_connection_method(Method.NTLM)
        assert setup.current_step is Step.SERVICE_ACCOUNT
        setup.set_user_name("contoso.com\\svc")
        assert setup.current_step is Step.CREDENTIALS
        setup.set_password(PASSWORD)
        assert setup.current_step is Step.DOMAINS
        setup.set_additional_domains(["fabrikam.com"])
        assert setup.current_step is Step.VALIDATE
        setup.set_allow_http_loopback(True)
        setup.set_validation_target(ALICE, sim.ews_url)

        state = setup.state()
        assert state["sync_scope"] == {"contacts": True, "events": True}
        assert state["connection_method"] == Method.NTLM
        assert state["user_name"] == "contoso.com\\svc"
        assert state["has_password"] is True
        assert state["additional_domains"] == ["fabrikam.com"]
        assert sorted(state["allowed_domains"]) == ["contoso.com", "fabrikam.com"]
        assert state["test_mailbox"] == ALICE and state["ews_url"] == sim.ews_url
        assert all(s["complete"] for s in state["steps"][:5])
        assert PASSWORD not in json.dumps(state)

        setup.start_validation()
        assert setup.state()["validation_started"] is True
        assert setup.run_validation() is True
        assert setup.current_step is Step.SAVE

        report = setup.validation_report()
        assert isinstance(report, dict)
        assert report["test_mailbox"] == ALICE
        steps = {s["step"]: s["status"] for s in report["steps"]}
        for check in ("ews_endpoint", "authentication", "impersonation", "contacts_folder", "calendar_folder"):
            assert steps[check] == "passed", report
        assert report["findings"]["ews_url"] == sim.ews_url
        assert report["findings"]["auth_scheme"] == "NTLM"
        assert PASSWORD not in json.dumps(report)
        assert setup.state()["validation"]["status"] == "passed"

        setup.save(engine, key)
        assert setup.state()["saved"] is True
        config = setup.saved_config()
        assert config["connection"]["auth"] == "ntlm"
        assert config["connection"]["user"] == "contoso.com\\svc"
        assert config["ews_url"] == sim.ews_url
        assert config["validated"]["test_mailbox"] == ALICE
        assert PASSWORD not in json.dumps(config)


def test_a_wrong_password_fails_validation_with_a_report_that_says_where(sim):
    with exsync.Setup() as setup:
        fill_steps(setup, sim, password="not the password")
        assert setup.validate() is False
        report = setup.validation_report()
        failed = [s for s in report["steps"] if s["status"] == "failed"]
        assert [s["step"] for s in failed] == ["authentication"], report
        assert setup.state()["validation"] == {"status": "failed", "step": "authentication"}
        assert setup.current_step is Step.VALIDATE
        assert "not the password" not in json.dumps(report)


def test_going_back_and_editing_outdates_the_validation(validated_setup, engine, key):
    setup = validated_setup
    setup.back()
    assert setup.current_step is Step.VALIDATE
    setup.go_to(Step.CREDENTIALS)
    assert setup.current_step is Step.CREDENTIALS
    setup.set_password("a new password")
    assert setup.state()["validation"]["status"] == "outdated"
    with pytest.raises(exsync.SetupError) as e:
        setup.save(engine, key)
    assert e.value.code == ErrorCode.SETUP_VALIDATION_REQUIRED
    setup.go_to(Step.VALIDATE)
    assert setup.validate() is False  # the simulator refuses the new password
    setup.go_to(Step.CREDENTIALS)
    setup.set_password(PASSWORD)
    setup.go_to(Step.VALIDATE)
    assert setup.validate() is True
    setup.save(engine, key)


def test_the_saved_setup_reopens_with_the_same_key_only(validated_setup, engine, key):
    validated_setup.save(engine, key)
    saved = validated_setup.saved_config()
    with exsync.Setup.open_saved(engine, key) as reopened:
        assert reopened.current_step is Step.SAVE
        assert reopened.saved_config() == saved
        state = reopened.state()
        assert state["has_password"] is True and state["user_name"] == "contoso.com\\svc"
    with pytest.raises(exsync.SetupError) as e:
        exsync.Setup.open_saved(engine, bytes(32))
    assert e.value.code == ErrorCode.SECRET_STORE


def test_nothing_saved_is_a_setup_config_error(engine, key):
    with pytest.raises(exsync.SetupError) as e:
        exsync.Setup.open_saved(engine, key)
    assert e.value.code == ErrorCode.SETUP_CONFIG
    with pytest.raises(exsync.SetupError) as e:
        engine.connect(key)
    assert e.value.code == ErrorCode.SETUP_CONFIG


def test_the_saved_setup_survives_in_a_sqlite_file(tmp_path, validated_setup, key):
    path = tmp_path / "state.sqlite"
    with exsync.Engine(path) as engine:
        validated_setup.save(engine, key)
    with exsync.Engine(str(path)) as engine, exsync.Setup.open_saved(engine, key) as reopened:
        assert reopened.saved_config()["validated"]["test_mailbox"] == ALICE


def test_a_profile_names_the_setup(sim, engine, key):
    with exsync.Setup("crm-eu") as setup:
        assert setup.state()["profile"] == "crm-eu"
        fill_steps(setup, sim)
        assert setup.validate()
        setup.save(engine, key)
        assert setup.saved_config()["profile"] == "crm-eu"
    with pytest.raises(exsync.CallError) as e:
        exsync.Setup("not a valid profile!")
    assert e.value.code == ErrorCode.INVALID_ARGUMENT
    assert "profile" in e.value.message


def test_oauth_app_step_takes_a_dict_and_never_hands_the_secret_back():
    with exsync.Setup() as setup:
        setup.set_sync_scope(Kind.CONTACTS)
        setup.set_connection_method(Method.OAUTH)
        assert setup.current_step is Step.CREDENTIALS
        secret = "very-secret-value"
        setup.set_oauth_app(
            {"tenant": "contoso.onmicrosoft.com", "client_id": "5c5a3b2e-1111-2222-3333-444455556666",
             "client_secret": secret}
        )
        state = setup.state()
        assert state["oauth_app"]["credential"] == {"kind": "client_secret"}
        assert secret not in json.dumps(state)
        assert not state["steps"][2]["applies"]  # no service account with OAuth


def test_validation_over_tls_trusts_the_simulators_ca(key):
    with exsync.Simulator(
        domains=["contoso.com"], service_account="svc@contoso.com", password=PASSWORD, mailboxes=[ALICE], tls=True
    ) as sim, exsync.Setup() as setup:
        assert sim.ews_url.startswith("https://")
        pem = sim.ca_certificate
        assert pem.startswith("-----BEGIN CERTIFICATE-----")
        fill_steps(setup, sim)
        setup.set_allow_http_loopback(False)
        setup.trust_ca_pem(pem)
        assert setup.validate() is True, setup.validation_report()
        tls = [s for s in setup.validation_report()["steps"] if s["step"] == "tls_certificate"]
        assert tls[0]["status"] == "passed"

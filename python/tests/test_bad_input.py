"""Bad input from Python: wrong types and None (TypeError before C is called), text C cannot take,
closed handles, invalid JSON, calls in the wrong order, and the library's typed errors."""

from __future__ import annotations

import threading

import pytest

import exsync
from exsync import CallError, ErrorCode, HandleClosedError, Kind, Method, Step

from conftest import ALICE, PASSWORD, fill_steps


# -- wrong types never reach C ------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 42, b"alice@contoso.com", ["alice@contoso.com"]])
def test_a_user_that_is_not_a_str_is_a_type_error(engine, bad):
    for call in (
        lambda: engine.enrol(bad),
        lambda: engine.user_settings(bad),
        lambda: engine.remove_user(bad),
        lambda: engine.pending(bad),
        lambda: engine.status(bad),
        lambda: engine.ack(bad, 1),
        lambda: engine.sync(bad),
        lambda: engine.report(bad, {"app_id": "a", "op": "delete"}, Kind.CONTACTS),
    ):
        with pytest.raises(TypeError, match="user must be a str"):
            call()


def test_setup_arguments_of_the_wrong_type_are_type_errors():
    with exsync.Setup() as setup:
        with pytest.raises(TypeError):
            setup.set_sync_scope(None)
        with pytest.raises(TypeError):
            setup.set_sync_scope(True)  # a bool is not a kind
        with pytest.raises(TypeError):
            setup.set_sync_scope(1.0)
        with pytest.raises(ValueError, match="kinds must be one of"):
            setup.set_sync_scope("calendars")
        with pytest.raises(TypeError):
            setup.set_connection_method(None)
        with pytest.raises(TypeError):
            setup.set_user_name(None)
        with pytest.raises(TypeError):
            setup.set_password(12345)
        with pytest.raises(TypeError):
            setup.set_additional_domains(None)
        with pytest.raises(TypeError):
            setup.set_additional_domains(["contoso.com", 7])
        with pytest.raises(TypeError):
            setup.set_allow_http_loopback(1)
        with pytest.raises(TypeError):
            setup.set_validation_target(None)
        with pytest.raises(TypeError):
            setup.set_oauth_app(None)
        with pytest.raises(TypeError):
            setup.go_to(7.0)
        with pytest.raises(ValueError, match="step must be one of"):
            setup.go_to("seven")
        with pytest.raises(TypeError, match="engine must be an exsync.Engine"):
            setup.save("engine", bytes(32))
        with exsync.Engine() as engine:
            with pytest.raises(TypeError, match="key must be bytes"):
                setup.save(engine, "0" * 32)
            with pytest.raises(TypeError, match="key must be bytes"):
                engine.connect(None)
        # Nothing above reached the flow.
        assert setup.current_step is Step.SYNC_SCOPE


def test_engine_and_simulator_arguments_of_the_wrong_type_are_type_errors(engine, sim):
    with pytest.raises(TypeError):
        exsync.Engine(None)
    with pytest.raises(TypeError):
        engine.enrol(ALICE, settings=42)
    with pytest.raises(TypeError):
        engine.report(ALICE, None, Kind.CONTACTS)
    with pytest.raises(TypeError, match="kind is required"):
        engine.report(ALICE, {"app_id": "a", "op": "delete"})
    with pytest.raises(TypeError, match="record must be a Contact"):
        engine.report_upsert(ALICE, "crm-1", {"kind": "contact"})
    with pytest.raises(TypeError, match="app_id must be a str"):
        engine.report_upsert(ALICE, 1, exsync.Contact(given_name="Ann"))
    with pytest.raises(TypeError):
        engine.pending(ALICE, limit="10")
    with pytest.raises(ValueError):
        engine.pending(ALICE, limit=-1)
    with pytest.raises(TypeError):
        engine.ack(ALICE, "7")
    with pytest.raises(ValueError):
        engine.ack(ALICE, 2**64)
    with pytest.raises(TypeError):
        engine.set_progress("print")
    with pytest.raises(TypeError):
        sim.items(ALICE, None)
    with pytest.raises(TypeError):
        sim.create_item(ALICE, None)
    with pytest.raises(TypeError):
        sim.create_item(None, {"kind": "contact"})
    with pytest.raises(TypeError):
        exsync.Simulator(domains="contoso.com", service_account="svc@contoso.com", password="x")
    with pytest.raises(TypeError):
        exsync.Simulator(domains=["contoso.com"], service_account=None, password="x")
    with pytest.raises(ValueError):
        exsync.Simulator(domains=["contoso.com"], service_account="svc@contoso.com", password="x", port=70000)


def test_text_c_cannot_hold_is_a_value_error(engine):
    with pytest.raises(ValueError, match="NUL"):
        engine.enrol("alice@contoso.com\0bob@contoso.com")
    with pytest.raises(ValueError, match="UTF-8"):
        engine.enrol("alice\udc80@contoso.com")  # a lone surrogate
    assert engine.users() == []


# -- closed handles -----------------------------------------------------------------------------


def test_every_call_on_a_closed_handle_raises_handle_closed(sim, key):
    setup = exsync.Setup()
    engine = exsync.Engine()
    simulator = exsync.Simulator(domains=["contoso.com"], service_account="svc@contoso.com", password="x")
    for handle in (setup, engine, simulator):
        handle.close()
        assert handle.closed
        handle.close()  # closing twice does nothing
    calls = [
        lambda: setup.current_step,
        lambda: setup.set_sync_scope(Kind.ALL),
        lambda: setup.back(),
        lambda: setup.validate(),
        lambda: setup.state(),
        lambda: setup.validation_report(),
        lambda: engine.users(),
        lambda: engine.enrol(ALICE),
        lambda: engine.connect(key),
        lambda: engine.sync(ALICE),
        lambda: engine.pending(ALICE),
        lambda: engine.set_progress(print),
        lambda: simulator.ews_url,
        lambda: simulator.items(ALICE, Kind.CONTACTS),
        lambda: simulator.stop(),
        lambda: exsync.Setup.open_saved(engine, key),
    ]
    for call in calls:
        with pytest.raises(HandleClosedError) as e:
            call()
        assert e.value.code == ErrorCode.WRONG_STATE
        assert isinstance(e.value, ValueError) and isinstance(e.value, exsync.ExsyncError)
    with exsync.Setup() as open_setup:
        with pytest.raises(HandleClosedError, match="engine is closed"):
            open_setup.save(engine, key)
    with pytest.raises(HandleClosedError):
        with engine:
            pass


def test_with_blocks_close_their_handles(sim):
    with exsync.Engine() as engine, exsync.Setup() as setup:
        pass
    assert engine.closed and setup.closed
    with pytest.raises(HandleClosedError, match="setup is closed"):
        setup.state()
    with pytest.raises(RuntimeError):
        with exsync.Engine() as engine:
            raise RuntimeError("the block failed")
    assert engine.closed
    assert "closed" in repr(engine)


def test_a_stopped_simulator_refuses_calls_until_freed():
    with exsync.Simulator(domains=["contoso.com"], service_account="svc@contoso.com", password="x") as sim:
        sim.stop()
        with pytest.raises(CallError) as e:
            sim.ews_url
        assert e.value.code == ErrorCode.WRONG_STATE
        with pytest.raises(CallError) as e:
            sim.stop()
        assert e.value.code == ErrorCode.WRONG_STATE


def test_closing_waits_for_a_call_on_another_thread(sim, validated_setup):
    # A validation blocks in C; closing from another thread waits for it instead of freeing the
    # handle under it.
    fill_steps(validated_setup, sim)
    validated_setup.go_to(Step.VALIDATE)
    validated_setup.start_validation()
    results = []

    def run():
        results.append(validated_setup.run_validation())

    with validated_setup._borrow():  # hold a call open on this thread, as a long C call would
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
        closer = threading.Thread(target=validated_setup.close)
        closer.start()
        closer.join(timeout=0.3)
        assert closer.is_alive(), "close() freed the handle while a call was using it"
        assert validated_setup.closed  # new calls are refused already
    closer.join(timeout=10)
    assert not closer.is_alive()
    assert results == [True]


# -- invalid JSON -------------------------------------------------------------------------------


def test_invalid_json_is_an_invalid_json_call_error(engine, sim):
    engine.enrol(ALICE)
    cases = [
        lambda: engine.enrol(ALICE, "{not json"),
        lambda: engine.enrol(ALICE, {"contacts": {"sync": {"direction": "sideways"}}}),
        lambda: engine.report(ALICE, "[1, 2", Kind.CONTACTS),
        lambda: engine.report(ALICE, {"app_id": "crm-1"}, Kind.CONTACTS),
        lambda: engine.report(ALICE, {"app_id": "crm-1", "op": {"upsert": {"kind": "fax"}}}, Kind.CONTACTS),
        lambda: exsync.Simulator.from_config("{"),
        lambda: exsync.Simulator.from_config({"domains": [], "service_account": "s@contoso.com", "password": "p"}),
        lambda: sim.create_item(ALICE, '{"kind": "contact", "given_name": 5}'),
    ]
    for call in cases:
        with pytest.raises(CallError) as e:
            call()
        assert e.value.code == ErrorCode.INVALID_JSON, e.value
        assert e.value.name == "EXSYNC_ERR_INVALID_JSON"
        assert e.value.message
    assert engine.pending(ALICE) == []


def test_json_that_python_cannot_write_is_a_type_error(engine):
    with pytest.raises(TypeError, match="cannot be written as JSON"):
        engine.enrol(ALICE, {"contacts": object()})


def test_a_secret_in_bad_json_is_never_quoted():
    with pytest.raises(CallError) as e:
        exsync.Simulator.from_config('{"domains": ["contoso.com"], "service_account": "s@contoso.com", '
                                     '"password": "hunter2-secret", "colour": "red"}')
    assert e.value.code == ErrorCode.INVALID_JSON
    assert "hunter2-secret" not in str(e.value)


# -- calls in the wrong order -------------------------------------------------------------------


def test_setup_steps_out_of_order_are_setup_step_errors(sim, engine, key):
    with exsync.Setup() as setup:
        with pytest.raises(exsync.SetupError) as e:
            setup.back()
        assert e.value.code == ErrorCode.SETUP_STEP
        with pytest.raises(exsync.SetupError) as e:
            setup.go_to(Step.SAVE)
        assert e.value.code == ErrorCode.SETUP_STEP
        with pytest.raises(exsync.SetupError) as e:
            setup.set_user_name("contoso.com\\svc")  # step 3 before steps 1 and 2
        assert e.value.code == ErrorCode.SETUP_STEP
        with pytest.raises(CallError) as e:
            setup.run_validation()
        assert e.value.code == ErrorCode.WRONG_STATE
        with pytest.raises(CallError) as e:
            setup.validation_report()
        assert e.value.code == ErrorCode.WRONG_STATE
        with pytest.raises(CallError) as e:
            setup.saved_config()
        assert e.value.code == ErrorCode.WRONG_STATE
        with pytest.raises(exsync.SetupError) as e:
            setup.save(engine, key)  # at step 1: step 7 cannot be reached
        assert e.value.code == ErrorCode.SETUP_STEP
        with pytest.raises(CallError) as e:
            setup.go_to(9)
        assert e.value.code == ErrorCode.INVALID_ARGUMENT
        assert setup.current_step is Step.SYNC_SCOPE


def test_refused_setup_inputs_name_the_field():
    with exsync.Setup() as setup:
        with pytest.raises(exsync.SetupError) as e:
            setup.set_sync_scope(0)
        assert e.value.code == ErrorCode.SETUP_INVALID_INPUT
        setup.set_sync_scope(Kind.ALL)
        with pytest.raises(CallError) as e:
            setup.set_connection_method(9)
        assert e.value.code == ErrorCode.INVALID_ARGUMENT
        setup.set_connection_method(Method.BASIC)
        with pytest.raises(exsync.SetupError) as e:
            setup.set_user_name("not a user name")
        assert e.value.code == ErrorCode.SETUP_INVALID_INPUT
        setup.set_user_name("svc@contoso.com")
        setup.set_password(PASSWORD)
        with pytest.raises(exsync.SetupError) as e:
            setup.set_additional_domains(["fabrikam.com", "not a domain", "also..bad"])
        assert e.value.code == ErrorCode.SETUP_INVALID_INPUT
        assert "not a domain" in e.value.message


def test_a_wrong_key_length_is_an_invalid_argument(validated_setup, engine):
    with pytest.raises(CallError) as e:
        validated_setup.save(engine, b"short")
    assert e.value.code == ErrorCode.INVALID_ARGUMENT


def test_engine_calls_before_their_time(engine, key):
    with pytest.raises(CallError) as e:
        engine.sync(ALICE)
    assert e.value.code == ErrorCode.WRONG_STATE
    assert "exsync_engine_connect" in e.value.message
    with pytest.raises(CallError) as e:
        engine.last_sync_report()
    assert e.value.code == ErrorCode.WRONG_STATE
    for call in (lambda: engine.user_settings(ALICE), lambda: engine.status(ALICE)):
        with pytest.raises(exsync.StoreError) as e:
            call()
        assert e.value.code == ErrorCode.NOT_ENROLLED
    with pytest.raises(CallError) as e:
        engine.enrol("   ")
    assert e.value.code == ErrorCode.INVALID_ARGUMENT
    assert engine.remove_user(ALICE) is False


def test_a_record_reported_under_the_other_kind_is_a_sync_error(engine):
    engine.enrol(ALICE)
    with pytest.raises(exsync.SyncError) as e:
        engine.report(ALICE, exsync.AppChange("crm-1", exsync.Contact(given_name="Ann")), Kind.EVENTS)
    assert e.value.code == ErrorCode.SYNC_WRONG_KIND
    with pytest.raises(CallError) as e:
        engine.report(ALICE, {"app_id": "crm-1", "op": "delete"}, Kind.ALL)
    assert e.value.code == ErrorCode.INVALID_ARGUMENT


def test_simulator_refusals_are_simulator_errors(sim):
    with pytest.raises(exsync.SimulatorError) as e:
        sim.items("nobody@contoso.com", Kind.CONTACTS)
    assert e.value.code == ErrorCode.SIM_MAILBOX
    with pytest.raises(exsync.SimulatorError) as e:
        sim.add_mailbox("carol@elsewhere.example")
    assert e.value.code == ErrorCode.SIM_CONFIG
    with pytest.raises(exsync.SimulatorError) as e:
        sim.delete_item(ALICE, "AAMkNoSuchItem")
    assert e.value.code == ErrorCode.SIM_MAILBOX
    with pytest.raises(CallError) as e:
        sim.ca_certificate  # plain HTTP has no certificate
    assert e.value.code == ErrorCode.WRONG_STATE


def test_error_classes_follow_the_code_groups():
    from exsync.errors import error_for

    assert type(error_for(4, "m")) is CallError
    assert type(error_for(101, "m")) is exsync.SetupError
    assert type(error_for(201, "m")) is exsync.StoreError
    assert type(error_for(302, "m")) is exsync.SyncError
    assert type(error_for(402, "m")) is exsync.SimulatorError
    unknown = error_for(999, "m")
    assert type(unknown) is exsync.ExsyncError and unknown.code == 999 and unknown.name == "EXSYNC_ERR_UNKNOWN"
    assert error_for(6, "busy").code is ErrorCode.WRONG_STATE


def test_a_ca_certificate_that_does_not_read_is_refused_and_not_kept(engine):
    with exsync.Setup() as setup:
        with pytest.raises(CallError) as e:
            setup.trust_ca_pem("not a certificate")
        assert e.value.code == ErrorCode.INVALID_ARGUMENT
    with pytest.raises(CallError) as e:
        engine.trust_ca_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert e.value.code == ErrorCode.INVALID_ARGUMENT


def test_a_request_budget_out_of_range_is_refused(engine):
    with pytest.raises(TypeError):
        engine.set_request_budget("500")
    with pytest.raises(TypeError):
        engine.set_request_budget(True)
    with pytest.raises(ValueError):
        engine.set_request_budget(-1)
    with pytest.raises(CallError) as e:
        engine.set_request_budget(0)
    assert e.value.code == ErrorCode.INVALID_ARGUMENT
    engine.set_request_budget(1500)

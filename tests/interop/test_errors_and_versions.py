"""exchangelib's server-version guessing, and Exchange's errors as exchangelib reports them."""

import pytest
from exchangelib import IMPERSONATION, Account, Contact
from exchangelib.errors import (
    ErrorImpersonateUserDenied,
    ErrorInvalidOperation,
    ErrorIrresolvableConflict,
    ErrorNonExistentMailbox,
    UnauthorizedError,
)
from conftest import ALICE, ALICE_PASSWORD, EXCHANGE_2016, config, impersonating, start_sim


@pytest.mark.parametrize(
    "profile, api_version, build",
    [
        ("2019", "Exchange2016", (15, 2, 1544, 4)),
        ("2016", "Exchange2016", (15, 1, 2507, 6)),
        ("2013", "Exchange2013_SP1", (15, 0, 1497, 2)),
        ("2010sp2", "Exchange2010_SP2", (14, 2, 247, 5)),
    ],
)
def test_version_is_guessed_from_server_version_info(profile, api_version, build):
    s = start_sim("--profile", profile)
    try:
        account = impersonating(s)
        assert account.version.api_version == api_version
        b = account.version.build
        assert (b.major_version, b.minor_version, b.major_build, b.minor_build) == build
        # The guessed version is good for real work.
        Contact(folder=account.contacts, display_name=f"On {profile}").save()
        assert [c.display_name for c in account.contacts.all()] == [f"On {profile}"]
    finally:
        s.stop()


def test_a_given_version_is_used_as_is(sim):
    account = impersonating(sim, version=EXCHANGE_2016)
    assert account.version.api_version == "Exchange2016"
    Contact(folder=account.contacts, display_name="Given").save()
    assert account.contacts.all().count() == 1


def test_nonexistent_mailbox(sim):
    nobody = impersonating(sim, "nobody@contoso.com")
    with pytest.raises(ErrorNonExistentMailbox):
        nobody.contacts.all().count()


def test_impersonation_without_the_right_is_denied(sim):
    # Alice may sign in to her own mailbox but has no ApplicationImpersonation role.
    bob_as_alice = Account(
        primary_smtp_address="bob@contoso.com",
        config=config(sim, ALICE, ALICE_PASSWORD),
        autodiscover=False,
        access_type=IMPERSONATION,
    )
    with pytest.raises(ErrorImpersonateUserDenied):
        bob_as_alice.contacts.all().count()


def test_bad_password_is_unauthorized(sim):
    with pytest.raises(UnauthorizedError):
        account = Account(
            primary_smtp_address=ALICE,
            config=config(sim, password="not-the-password"),
            autodiscover=False,
            access_type=IMPERSONATION,
        )
        account.contacts.all().count()


def test_stale_change_key_conflicts(alice):
    c = Contact(folder=alice.contacts, display_name="Original")
    c.save()
    stale = alice.contacts.get(id=c.id)
    c.display_name = "First writer"
    c.save(update_fields=["display_name"])
    stale.display_name = "Second writer"
    with pytest.raises(ErrorIrresolvableConflict):
        stale.save(update_fields=["display_name"], conflict_resolution="NeverOverwrite")
    assert alice.contacts.get(id=c.id).display_name == "First writer"


def test_operations_the_simulator_lacks_are_invalid_operations(alice):
    """Not a version problem: exchangelib must not walk down every API version and give up."""
    c = Contact(folder=alice.contacts, display_name="Stays put")
    c.save()
    with pytest.raises(ErrorInvalidOperation, match="MoveItem"):
        c.move(alice.calendar)
    with pytest.raises(ErrorInvalidOperation, match="SyncFolderHierarchy"):
        list(alice.contacts.sync_hierarchy())
    with pytest.raises(ErrorInvalidOperation, match="GetUserOofSettingsRequest"):
        alice.oof_settings
    assert alice.contacts.get(id=c.id).display_name == "Stays put"

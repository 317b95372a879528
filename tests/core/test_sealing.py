"""Sealed to the data officers' key: the server writes what only their offline key opens."""

import json

import pytest
from nacl.public import PrivateKey

from core import sealing
from core.sealing import (
    KeysFileHoldsNoPrivateKey,
    SealedDataUnreadable,
    SealingKeyInvalid,
    Unsealer,
    key_encode,
    private_key_or_keys_file_parse,
    private_key_parse,
    seal,
    sealing_keys_generate,
)
from tests.sealing_keys import TEST_SEALING_PRIVATE_KEY, WRONG_PRIVATE_KEY, officers_unsealer

GIVEN = {"email": "aynur@example.org", "last_name": "Tursun", "comment": "Ürümqi, 2017"}


def test_what_is_sealed_opens_only_with_the_officers_key():
    blob = seal(GIVEN)

    assert officers_unsealer().unseal(blob) == GIVEN
    assert b"aynur" not in blob and b"Tursun" not in blob
    with pytest.raises(SealedDataUnreadable):
        Unsealer(PrivateKey(bytes(32))).unseal(blob)


def test_two_seals_of_the_same_data_differ():
    assert seal(GIVEN) != seal(GIVEN)  # a nonce each: equal data cannot be spotted


def test_a_process_uses_one_ephemeral_key_for_an_hour_then_draws_another(monkeypatch):
    first, second = seal(GIVEN), seal(GIVEN)
    assert first[1:33] == second[1:33]  # the same ephemeral public key: one agreement to open

    monkeypatch.setattr(sealing, "EPHEMERAL_SECONDS", -1)
    sealing._local.ephemeral = None
    third, fourth = seal(GIVEN), seal(GIVEN)

    assert len({first[1:33], third[1:33], fourth[1:33]}) == 3
    assert officers_unsealer().unseal(fourth) == GIVEN


def test_the_officers_key_is_checked_against_the_sites_public_key():
    assert private_key_parse(f"  {TEST_SEALING_PRIVATE_KEY}\n")  # pasted with spaces: fine

    with pytest.raises(SealingKeyInvalid, match="not the private half"):
        private_key_parse(WRONG_PRIVATE_KEY)
    for text in ["", "not base64!", "c2hvcnQ="]:
        with pytest.raises(SealingKeyInvalid):
            private_key_parse(text)


def test_the_officers_key_may_come_in_a_file_of_keys_and_a_file_without_it_is_named_so():
    keys = {"SEALING_PRIVATE_KEY": TEST_SEALING_PRIVATE_KEY, "SIGNER_MAILBOX_KEY": "s3cret"}

    opened = private_key_or_keys_file_parse(json.dumps(keys, indent=2))

    assert key_encode(opened) == TEST_SEALING_PRIVATE_KEY
    with pytest.raises(KeysFileHoldsNoPrivateKey) as refused:
        private_key_or_keys_file_parse(json.dumps({"SIGNER_MAILBOX_KEY": "s3cret"}))
    assert "s3cret" not in f"{refused.value} {refused.value.refusal}"
    with pytest.raises(SealingKeyInvalid, match="not the private half"):
        private_key_or_keys_file_parse(json.dumps({"SEALING_PRIVATE_KEY": WRONG_PRIVATE_KEY}))


def test_a_record_that_is_not_sealed_is_refused_clearly():
    with pytest.raises(SealedDataUnreadable, match="not a sealed record"):
        officers_unsealer().unseal(b"\x00" * 80)


def test_a_generated_pair_matches(settings):
    public, private = sealing_keys_generate()
    settings.SEALING_PUBLIC_KEY = public

    assert key_encode(private_key_parse(private).public_key) == public
    assert Unsealer(private_key_parse(private)).unseal(seal(GIVEN)) == GIVEN


def test_without_a_public_key_nothing_is_sealed(settings):
    settings.SEALING_PUBLIC_KEY = ""

    with pytest.raises(SealingKeyInvalid, match="not set"):
        seal(GIVEN)

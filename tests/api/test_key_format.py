"""The key format: prefix, random body, checksum; hashing with the server secret."""

from __future__ import annotations

import re

from permitdb.api.keys import generate_api_key, hash_api_key, is_well_formed, key_prefix


def test_generated_keys_are_well_formed_and_distinct() -> None:
    keys = {generate_api_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(r"pdb_live_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}", key)
        assert is_well_formed(key)


def test_any_changed_character_breaks_the_checksum() -> None:
    key = generate_api_key()
    for position in range(len("pdb_live_"), len(key) - 7):
        swapped = "A" if key[position] != "A" else "B"
        assert not is_well_formed(key[:position] + swapped + key[position + 1 :])


def test_hash_depends_on_the_secret_and_prefix_is_short() -> None:
    key = generate_api_key()
    assert hash_api_key(key, "a") == hash_api_key(key, "a")
    assert hash_api_key(key, "a") != hash_api_key(key, "b")
    assert len(hash_api_key(key, "a")) == 64
    assert key_prefix(key) == key[:13]
    assert key_prefix(key).startswith("pdb_live_")

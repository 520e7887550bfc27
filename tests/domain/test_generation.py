"""Generation helpers: the output seed from the logs, the version hash from a version id."""

from calendary.domain.generation import parse_output_seed, version_hash

HASH = "925da5f563c07bb620a3bf3cc2185079b1cfc7d62f47a9c234e67dbc36eab738"


def test_output_seed_is_read_from_the_last_seed_line() -> None:
    logs = "warming up\nUsing seed: 11\nrunning\nUsing seed: 42069\n100%|████|"
    assert parse_output_seed(logs) == 42069
    assert parse_output_seed("no seed here") is None
    assert parse_output_seed(None) is None


def test_version_hash_is_the_part_after_the_colon() -> None:
    assert version_hash(f"owner/shikhar_flux:{HASH}") == HASH
    assert version_hash(HASH) == HASH
    assert version_hash("owner/name:") is None
    assert version_hash("owner/name:not a hash") is None
    assert version_hash(None) is None

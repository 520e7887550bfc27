"""The training's trigger word is put in front of a prompt only when the prompt lacks it."""

from __future__ import annotations

import pytest

from calendary.domain.trigger_word import with_trigger_word


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("a photo of TOK at the beach", ("a photo of TOK at the beach", False)),
        ("tok, in a suit", ("tok, in a suit", False)),
        ("a trip to TOKYO", ("TOK a trip to TOKYO", True)),
        ("a portrait", ("TOK a portrait", True)),
    ],
)
def test_the_trigger_word_is_put_in_front_only_when_missing(
    prompt: str, expected: tuple[str, bool]
) -> None:
    assert with_trigger_word(prompt, "TOK") == expected

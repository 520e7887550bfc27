"""A trained LoRA answers to its trigger word: a prompt without it yields a stranger."""

from __future__ import annotations

import re


def mentions(prompt: str, trigger_word: str) -> bool:
    """The trigger word as a word of its own, in any case (`TOK,` and `tok` count, `TOKYO` not)."""
    pattern = rf"(?<![A-Za-z0-9_]){re.escape(trigger_word)}(?![A-Za-z0-9_])"
    return re.search(pattern, prompt, flags=re.IGNORECASE) is not None


def with_trigger_word(prompt: str, trigger_word: str) -> tuple[str, bool]:
    """The prompt to run and whether the trigger word was put in front of it."""
    if not trigger_word or mentions(prompt, trigger_word):
        return prompt, False
    return f"{trigger_word} {prompt}", True

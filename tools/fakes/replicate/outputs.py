"""Images a test chooses for the fake's predictions instead of the drawn stand-in.

The stand-in (`images.render`) has no face, so a product that measures faces in its outputs
needs real photos. A rule matches a prediction by model (`owner/name`), a part of the prompt
and the seed, any of them left open; the newest matching rule wins, so a test sets a general
image first and a more particular one after.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputRule:
    image: bytes  # any format Pillow reads; fitted to the requested size and format
    model: str | None = None
    prompt: str | None = None  # matches when the prompt contains it
    seed: int | None = None

    def matches(self, model: str, prompt: str, seed: int) -> bool:
        return (
            (self.model is None or self.model == model)
            and (self.prompt is None or self.prompt in prompt)
            and (self.seed is None or self.seed == seed)
        )


def image_bytes(image: bytes | str | Path) -> bytes:
    """Bytes as given, or a file's content (`str` and `Path` are paths)."""
    return image if isinstance(image, bytes) else Path(image).read_bytes()


class OutputImages:
    """The rules of one account; tests add them from their own thread while predictions run."""

    def __init__(self) -> None:
        self._rules: list[OutputRule] = []
        self._lock = threading.Lock()

    def add(self, rule: OutputRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pick(self, model: str, prompt: str, seed: int) -> bytes | None:
        with self._lock:
            rules = list(reversed(self._rules))
        return next((r.image for r in rules if r.matches(model, prompt, seed)), None)

"""A generation retried once for a low likeness (version 1.2): when to retry, which image stays.

Likeness is a distance between face embeddings (lower: more alike). Pure rules, so the workflow
and the tests share them.
"""

from __future__ import annotations

from collections.abc import Sequence

from calendary.domain.chat_state import GenerationAttempt

SEED_RANGE = 2**31  # FLUX versions take any int; 31 bits keep it an int32 for every consumer


def should_retry(distance: float | None, retry_above: float | None) -> bool:
    """Only a measured face too far from the training photos: an image without a face may be
    what the prompt asked for (a landscape), and a retry would not add one."""
    return retry_above is not None and distance is not None and distance > retry_above


def retry_seed(uuid_text: str) -> int:
    """A new seed from the workflow's `new_uuid()`: the same on every replay, never random."""
    return int(uuid_text.replace("-", ""), 16) % SEED_RANGE


def keeps_second(first: float | None, second: float | None) -> bool:
    """The second image stays only when its face is measured and strictly closer. A tie, or a
    second image without a face (or none at all), keeps the first: it ran with the user's seed,
    so the kept image is the one the request reproduces."""
    if second is None:
        return False
    return first is None or second < first


def attempts_text(attempts: Sequence[GenerationAttempt]) -> str:
    """One line for the Generations row and index.md, e.g. `0.71 (seed 7); 0.42 (seed 9, kept)`."""
    parts = []
    for a in attempts:
        score = f"{a.likeness_distance:.2f}" if a.likeness_distance is not None else "no face"
        notes = [f"seed {a.seed}"] if a.seed is not None else []
        notes += ["kept"] if a.kept else []
        parts.append(f"{score} ({', '.join(notes)})" if notes else score)
    return "; ".join(parts)

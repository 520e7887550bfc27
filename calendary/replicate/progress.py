"""A running training's progress, read from its logs.

FLUX LoRA trainers print a progress bar per step (ai-toolkit's tqdm line, e.g.
`flux_train_replicate:  30%|███       | 300/1000 [00:30<01:10, 10.00it/s, ...]`). Downloads,
captioning and weight loading print bars of their own before training starts, so only a bar whose
total is the training's step count counts.
"""

from __future__ import annotations

import re
from typing import Any

from calendary.replicate.inputs import STEP_FIELDS

_BAR = re.compile(r"\|\s*(\d+)/(\d+)\s*\[")


def steps_requested(training_input: dict[str, Any] | None) -> int | None:
    """The step count the training was created with, under either trainer's name."""
    for name in STEP_FIELDS:
        value = (training_input or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def training_percent(logs: str | None, steps: int | None) -> int | None:
    """Whole percent of the training steps done (0..100), from the last matching bar; None when
    the logs show no training step yet or the step count is unknown."""
    if not logs or not steps:
        return None
    for done, total in reversed(_BAR.findall(logs)):
        if int(total) == steps:
            return min(100, int(done) * 100 // steps)
    return None

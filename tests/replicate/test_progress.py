"""Training progress read from a trainer's log lines."""

from __future__ import annotations

from calendary.replicate.progress import steps_requested, training_percent
from tools.fakes.replicate.trainings import progress_line

CAPTIONING = "Captioning: 100%|██████████| 12/12 [00:20<00:00,  1.70s/it]\n"
SHARDS = "Loading checkpoint shards: 100%|██████████| 3/3 [00:02<00:00,  1.2it/s]\n"


def test_only_the_bar_of_the_training_steps_counts() -> None:
    logs = CAPTIONING + SHARDS
    assert training_percent(logs, 1000) is None
    logs += progress_line(100, 1000, 10) + progress_line(370, 1000, 37)
    assert training_percent(logs, 1000) == 37
    assert training_percent(logs + progress_line(1000, 1000, 99), 1000) == 100
    assert training_percent(logs, None) is None and training_percent("", 1000) is None


def test_steps_are_read_under_either_trainers_name() -> None:
    assert steps_requested({"steps": 800}) == 800
    assert steps_requested({"training_steps": 1200}) == 1200
    assert steps_requested({"steps": True}) is None and steps_requested(None) is None

"""The seed of a prediction's output, read from its logs as the workflows keep it."""

from __future__ import annotations

from calendary.replicate.jobs import from_prediction
from calendary.replicate.models import Prediction


def prediction(logs: str | None) -> Prediction:
    return Prediction(id="p1", status="succeeded", logs=logs)


def test_the_last_seed_line_wins() -> None:
    # A retry within the run logs the seed again; the output comes from the last run.
    logs = "warming up\nUsing seed: 11\nrunning\nUsing seed: 42069\n100%|████|"
    assert prediction(logs).seed_from_logs == 42069
    assert from_prediction(prediction(logs)).output_seed == 42069


def test_no_seed_line_means_no_seed() -> None:
    assert prediction("no seed here").seed_from_logs is None
    assert prediction(None).seed_from_logs is None
    assert prediction("Using seed: -7").seed_from_logs == -7

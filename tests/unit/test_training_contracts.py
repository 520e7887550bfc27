"""The training workflow's named start outcomes and its custom status, read as JSON crosses."""

import pytest

from activities.contracts import ReplicateJob, TrainingStart
from orchestrators.contracts import TrainingProgress


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"id": "", "status": "failed", "error": "invalid input"}, "refused"),
        ({"id": "t1", "status": "starting"}, "started"),
        ({"id": "t1", "status": "processing"}, "started"),
        ({"id": "t1", "status": "succeeded", "version": "v"}, "already_ended"),
        ({"id": "t1", "status": "canceled"}, "already_ended"),
    ],
)
def test_start_training_answers_read_with_a_named_outcome(answer: dict, outcome: str) -> None:
    # The activity returns a ReplicateJob, as goldens hold it; the name is derived from it.
    sent = ReplicateJob.model_validate(answer).dump()
    start = TrainingStart.model_validate(sent)
    assert start.outcome == outcome
    assert start.dump() == sent


def test_the_custom_status_is_written_as_the_workflow_always_wrote_it() -> None:
    archiving = TrainingProgress(stage="archiving", model_id="o/m")
    assert archiving.dump() == {"stage": "archiving", "modelId": "o/m"}
    running = TrainingProgress(
        stage="training", training_id="t1", model_id="o/m", status="processing", progress=40
    )
    assert list(running.dump()) == ["stage", "trainingId", "modelId", "status", "progress"]
    refused = TrainingProgress(stage="finished", training_id="", model_id="o/m", status="failed")
    assert refused.dump() == {
        "stage": "finished",
        "trainingId": "",
        "modelId": "o/m",
        "status": "failed",
    }


def test_the_custom_status_is_read_back_by_the_same_model() -> None:
    status = {"stage": "training", "trainingId": "t1", "modelId": "o/m", "status": "starting"}
    read = TrainingProgress.of(status)
    assert read is not None
    assert (read.training_id, read.model_id, read.status, read.progress) == (
        "t1",
        "o/m",
        "starting",
        None,
    )
    assert TrainingProgress.of(None) is None
    assert TrainingProgress.of("Running") is None
    assert TrainingProgress.of({"other": 1}) is None

"""Requests are checked against the published schema of the version they will run on, before
anything is created on Replicate."""

from __future__ import annotations

import pytest

from tests.e2e.stack import Stack
from tools.fakes.replicate.config import FAST_FLUX_TRAINER, OSTRIS_TRAINER

BOUNDS = {FAST_FLUX_TRAINER: "steps (training_steps) must be between 1 and 6000",
          OSTRIS_TRAINER: "steps must be between 3 and 6000"}  # fmt: skip


@pytest.mark.parametrize("trainer", [FAST_FLUX_TRAINER, OSTRIS_TRAINER])
def test_steps_out_of_the_trainers_bounds_is_400_and_nothing_is_created(
    stack: Stack, chat_id: str, trainer: str
) -> None:
    stack.use_trainer(trainer)
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    response = stack.post("CreateAndTrainModel", {"userId": chat_id, "steps": 7000})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"] == f"{trainer} cannot take this input: {BOUNDS[trainer]}"
    ledger = stack.fake.fake.ledger
    assert ledger.count("create_model") == 0 and ledger.count("create_training") == 0
    assert stack.fake.fake.trainings() == []
    assert stack.status(chat_id)["latestTraining"] is None
    # The schema was read once; a second request is answered from the cache.
    stack.post("CreateAndTrainModel", {"userId": chat_id, "steps": 7000})
    assert ledger.count("get_version") == 1


def test_generation_inputs_are_checked_against_the_trained_versions_schema(
    stack: Stack, chat_id: str
) -> None:
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    started = stack.train(chat_id)
    stack.wait_training(chat_id, instance_id=started["instanceId"])
    response = stack.post(
        "GenerateImage",
        {
            "userId": chat_id,
            "trainingId": started["trainingId"],
            "prompt": "TOK on a hill",
            "aspectRatio": "7:1",
            "numInferenceSteps": 51,
        },
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error.startswith(f"{started['modelId']} cannot take this input: ")
    assert "aspectRatio (aspect_ratio) must be one of 1:1, 16:9, 21:9" in error
    assert "numInferenceSteps (num_inference_steps) must be between 1 and 50" in error
    assert stack.fake.fake.ledger.count("create_prediction") == 0

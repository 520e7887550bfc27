"""Requests mapped onto a version's published schema and checked against it (no network)."""

from __future__ import annotations

import pytest

from calendary.replicate.input_schema import InputSchema, SchemaError
from calendary.replicate.inputs import (
    GENERATION_REQUEST_NAMES,
    TRAINING_REQUEST_NAMES,
    generation_input,
    refusal,
    training_input,
)
from tools.fakes.replicate.config import FAST_FLUX_TRAINER, OSTRIS_TRAINER
from tools.fakes.replicate.published_schemas import PREDICTOR, TRAINERS

FAST = InputSchema.from_openapi(TRAINERS[FAST_FLUX_TRAINER].openapi(), "TrainingInput")
OSTRIS = InputSchema.from_openapi(TRAINERS[OSTRIS_TRAINER].openapi(), "TrainingInput")
PREDICT = InputSchema.from_openapi(PREDICTOR.openapi(), "Input")


def test_steps_go_onto_the_field_each_trainer_has() -> None:
    fast = training_input("https://x/a.zip", trigger_word="ZXC", steps=800, schema=FAST)
    assert fast == {
        "input_images": "https://x/a.zip",
        "trigger_word": "ZXC",
        "training_steps": 800,
        "lora_type": "subject",
    }
    ostris = training_input("https://x/a.zip", trigger_word="ZXC", steps=800, schema=OSTRIS)
    assert ostris["steps"] == 800 and "training_steps" not in ostris
    assert ostris["autocaption"] is True and ostris["lora_rank"] == 16
    assert "lora_type" not in ostris
    assert refusal(FAST, fast, TRAINING_REQUEST_NAMES, "t") is None
    assert refusal(OSTRIS, ostris, TRAINING_REQUEST_NAMES, "t") is None


def test_a_refusal_names_our_field_the_models_field_and_what_fits() -> None:
    values = training_input("https://x/a.zip", steps=7000, schema=OSTRIS)
    message = refusal(OSTRIS, values, TRAINING_REQUEST_NAMES, OSTRIS_TRAINER)
    assert message == f"{OSTRIS_TRAINER} cannot take this input: steps must be between 3 and 6000"
    values = training_input("https://x/a.zip", steps=7000, schema=FAST)
    message = refusal(FAST, values, TRAINING_REQUEST_NAMES, FAST_FLUX_TRAINER)
    assert message is not None and "steps (training_steps) must be between 1 and 6000" in message
    generation = generation_input("TOK", aspect_ratio="7:1", num_inference_steps=99, schema=PREDICT)
    message = refusal(PREDICT, generation, GENERATION_REQUEST_NAMES, "o/m")
    assert message is not None
    assert "aspectRatio (aspect_ratio) must be one of 1:1, 16:9," in message
    assert "numInferenceSteps (num_inference_steps) must be between 1 and 50" in message


def test_checks_cover_types_unknown_and_required_inputs() -> None:
    assert PREDICT.problems({"seed": "7"}) == {
        "prompt": "is required",
        "seed": "must be a whole number",
    }
    assert FAST.problems({"input_images": "u", "optimizer": "adamw"}) == {
        "optimizer": "is not an input of this model"
    }
    assert PREDICT.problems({"prompt": "p", "disable_safety_checker": 1}) == {
        "disable_safety_checker": "must be true or false"
    }


def test_a_schema_without_what_the_service_needs_is_refused() -> None:
    with pytest.raises(SchemaError):
        InputSchema.from_openapi({"components": {"schemas": {}}}, "TrainingInput")
    with pytest.raises(SchemaError):
        InputSchema.from_openapi(None, "Input")
    bare = InputSchema.from_openapi(
        {"components": {"schemas": {"TrainingInput": {"properties": {"input_images": {}}}}}},
        "TrainingInput",
    )
    with pytest.raises(SchemaError, match="step count"):
        training_input("https://x/a.zip", schema=bare)


def test_generation_defaults_the_version_does_not_know_are_left_out() -> None:
    older = InputSchema.from_openapi(
        {
            "components": {
                "schemas": {
                    "Input": {
                        "required": ["prompt"],
                        "properties": {
                            "prompt": {"type": "string"},
                            "aspect_ratio": {"type": "string"},
                            "num_inference_steps": {"type": "integer"},
                        },
                    }
                }
            }
        },
        "Input",
    )
    values = generation_input("TOK", seed=None, schema=older)
    assert values == {"prompt": "TOK", "aspect_ratio": "1:1", "num_inference_steps": 28}

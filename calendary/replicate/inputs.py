"""The inputs the service sends to Replicate, with every default in one place.

Inputs are mapped onto the schema the version publishes (`input_schema`): the trainer's
`TrainingInput`, the trained version's `Input`. The seed fixes trigger word "TOK", 1000 steps,
aspect ratio "1:1" and 28 inference steps.
"""

from __future__ import annotations

from typing import Any, Final

from calendary.replicate.input_schema import InputSchema, SchemaError

DEFAULT_TRIGGER_WORD: Final = "TOK"
DEFAULT_TRAINING_STEPS: Final = 1000
MIN_TRAINING_STEPS: Final = 3
MAX_TRAINING_STEPS: Final = 6000

# Hyper-parameters sent with every training (the trainer's own recommended values).
TRAINING_DEFAULTS: Final[dict[str, Any]] = {
    "lora_rank": 16,
    "autocaption": True,
    "learning_rate": 4e-4,
    "batch_size": 1,
    "resolution": "512,768,1024",
    "optimizer": "adamw8bit",
    "caption_dropout_rate": 0.05,
}

ASPECT_RATIOS: Final = (
    "1:1",
    "16:9",
    "21:9",
    "3:2",
    "2:3",
    "4:5",
    "5:4",
    "3:4",
    "4:3",
    "9:16",
    "9:21",
)
DEFAULT_ASPECT_RATIO: Final = "1:1"
DEFAULT_INFERENCE_STEPS: Final = 28
MIN_INFERENCE_STEPS: Final = 1
MAX_INFERENCE_STEPS: Final = 50

# Sent with every generation. Only fields every trained FLUX LoRA version accepts (older versions
# reject `go_fast` and `megapixels`); jpg because the service stores `{generationId}.jpg`.
GENERATION_DEFAULTS: Final[dict[str, Any]] = {
    "model": "dev",
    "num_outputs": 1,
    "guidance_scale": 3,
    "lora_scale": 1,
    "output_format": "jpg",
    "output_quality": 90,
}


# Our request's names for the inputs a user chooses, so a refusal names what the user sent.
TRAINING_REQUEST_NAMES: Final = {
    "steps": "steps",
    "training_steps": "steps",
    "trigger_word": "triggerWord",
}
GENERATION_REQUEST_NAMES: Final = {
    "prompt": "prompt",
    "seed": "seed",
    "aspect_ratio": "aspectRatio",
    "num_inference_steps": "numInferenceSteps",
}
STEP_FIELDS: Final = ("steps", "training_steps")  # trainers name the step count either way


def training_input(
    images_url: str,
    *,
    trigger_word: str = DEFAULT_TRIGGER_WORD,
    steps: int = DEFAULT_TRAINING_STEPS,
    schema: InputSchema | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The `input` of POST .../trainings: the zip URL, the trigger word, steps and the defaults.

    With the trainer's schema, each value goes onto the input the trainer has (the step count
    onto `steps` or `training_steps`, `lora_type` = subject and `autocaption` where they exist)
    and defaults the trainer does not know are left out; the result is not checked here (see
    `refusal`). Without one, the FLUX fine-tuner's names are used and the steps bounded by it.
    """
    if not trigger_word.strip():
        raise ValueError("trigger_word must not be empty")
    if schema is None:
        if not MIN_TRAINING_STEPS <= steps <= MAX_TRAINING_STEPS:
            raise ValueError(f"steps must be within {MIN_TRAINING_STEPS}..{MAX_TRAINING_STEPS}")
        return {
            **TRAINING_DEFAULTS,
            "input_images": images_url,
            "trigger_word": trigger_word,
            "steps": steps,
            **overrides,
        }
    steps_field = schema.first_of(*STEP_FIELDS)
    for needed, present in (("input_images", "input_images"), ("a step count", steps_field)):
        if present is None or not schema.has(present):
            raise SchemaError(f"the trainer has no {needed} input")
    values = {k: v for k, v in TRAINING_DEFAULTS.items() if schema.has(k)}
    values |= {"input_images": images_url, "trigger_word": trigger_word, steps_field: steps}
    if schema.has("lora_type"):
        values["lora_type"] = "subject"  # people, not styles: what the bot trains
    return values | overrides


def generation_input(
    prompt: str,
    *,
    seed: int | None = None,
    aspect_ratio: str = DEFAULT_ASPECT_RATIO,
    num_inference_steps: int = DEFAULT_INFERENCE_STEPS,
    schema: InputSchema | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The `input` of POST /predictions on a trained version; `seed` is left out when not chosen.

    With the version's schema, defaults it does not know are left out and nothing is checked
    here (see `refusal`); without one, the seed's bounds apply.
    """
    if not prompt.strip():
        raise ValueError("prompt must not be empty")
    if schema is None:
        if aspect_ratio not in ASPECT_RATIOS:
            raise ValueError(f"aspect_ratio must be one of {', '.join(ASPECT_RATIOS)}")
        if not MIN_INFERENCE_STEPS <= num_inference_steps <= MAX_INFERENCE_STEPS:
            raise ValueError(
                f"num_inference_steps must be within {MIN_INFERENCE_STEPS}..{MAX_INFERENCE_STEPS}"
            )
    defaults = {k: v for k, v in GENERATION_DEFAULTS.items() if schema is None or schema.has(k)}
    payload: dict[str, Any] = {
        **defaults,
        "prompt": prompt,
        "aspect_ratio": aspect_ratio,
        "num_inference_steps": num_inference_steps,
    }
    if seed is not None:
        payload["seed"] = seed
    payload.update(overrides)
    return payload


def refusal(
    schema: InputSchema, values: dict[str, Any], names: dict[str, str], model: str
) -> str | None:
    """Why the version cannot take `values`, one clause per input, in our request's names (the
    model's own name in brackets when it differs); None when it can."""
    problems = schema.problems(values)
    if not problems:
        return None
    clauses = []
    for field, problem in problems.items():
        ours = names.get(field, field)
        label = ours if ours == field else f"{ours} ({field})"
        clauses.append(f"{label} {problem}")
    return f"{model} cannot take this input: " + "; ".join(clauses)

"""The inputs the service sends to Replicate, with every default in one place.

Training inputs follow the FLUX LoRA trainer schema (`ostris/flux-dev-lora-trainer`); generation
inputs follow the predictor of trained FLUX LoRA versions. The seed fixes trigger word "TOK",
1000 steps, aspect ratio "1:1" and 28 inference steps.
"""

from __future__ import annotations

from typing import Any, Final

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


def training_input(
    images_url: str,
    *,
    trigger_word: str = DEFAULT_TRIGGER_WORD,
    steps: int = DEFAULT_TRAINING_STEPS,
    **overrides: Any,
) -> dict[str, Any]:
    """The `input` of POST .../trainings: the zip URL, the trigger word, steps and the defaults."""
    if not MIN_TRAINING_STEPS <= steps <= MAX_TRAINING_STEPS:
        raise ValueError(f"steps must be within {MIN_TRAINING_STEPS}..{MAX_TRAINING_STEPS}")
    if not trigger_word.strip():
        raise ValueError("trigger_word must not be empty")
    return {
        **TRAINING_DEFAULTS,
        "input_images": images_url,
        "trigger_word": trigger_word,
        "steps": steps,
        **overrides,
    }


def generation_input(
    prompt: str,
    *,
    seed: int | None = None,
    aspect_ratio: str = DEFAULT_ASPECT_RATIO,
    num_inference_steps: int = DEFAULT_INFERENCE_STEPS,
    **overrides: Any,
) -> dict[str, Any]:
    """The `input` of POST /predictions on a trained version; `seed` is left out when not chosen."""
    if not prompt.strip():
        raise ValueError("prompt must not be empty")
    if aspect_ratio not in ASPECT_RATIOS:
        raise ValueError(f"aspect_ratio must be one of {', '.join(ASPECT_RATIOS)}")
    if not MIN_INFERENCE_STEPS <= num_inference_steps <= MAX_INFERENCE_STEPS:
        raise ValueError(
            f"num_inference_steps must be within {MIN_INFERENCE_STEPS}..{MAX_INFERENCE_STEPS}"
        )
    payload: dict[str, Any] = {
        **GENERATION_DEFAULTS,
        "prompt": prompt,
        "aspect_ratio": aspect_ratio,
        "num_inference_steps": num_inference_steps,
    }
    if seed is not None:
        payload["seed"] = seed
    payload.update(overrides)
    return payload

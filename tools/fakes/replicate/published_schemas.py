"""The input schemas the fake publishes in a version's `openapi_schema`, shaped as Cog writes them.

Cog turns each `Input(...)` of a `train()` or `predict()` signature into one property with `title`,
`x-order`, `description`, `default`, `minimum`/`maximum`; a `Path` becomes `format: uri`, a
`Secret` `format: password` with `x-cog-secret`; a `choices=` list becomes an `allOf` reference to
an enum schema of the same name under `components.schemas`. Fields without a default are
`required`.

Sources, field by field:
- `ostris/flux-dev-lora-trainer` `TrainingInput`: `train()` of replicate/flux-fine-tuner
  `train.py` (every argument, its bounds and defaults; `optimizer` is a free string there).
- `replicate/fast-flux-trainer` `TrainingInput`: the model's readme documents `input_images`,
  `trigger_word` and `lora_type` (`subject` | `style`); callers send the step count as
  `training_steps`. Its bounds (1..6000) and default (1000) are the fake's assumption, not
  published: the service reads them from the schema, so a real version's bounds apply in Azure.
- Predictor `Input` of trained FLUX LoRA versions: `HotswapPredictor.predict()` of
  replicate/cog-flux `predict.py` (the fields, enums and bounds of `../shared/reference`, §9).
"""

from __future__ import annotations

from typing import Any

from tools.fakes.replicate.config import FAST_FLUX_TRAINER, OSTRIS_TRAINER

ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"]


class SchemaBuilder:
    """Collects Cog-shaped properties in order, and the enum schemas they refer to."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.properties: dict[str, dict[str, Any]] = {}
        self.required: list[str] = []
        self.enums: dict[str, dict[str, Any]] = {}

    def add(self, name: str, kind: str, description: str, **spec: Any) -> SchemaBuilder:
        choices = spec.pop("choices", None)
        prop: dict[str, Any] = {
            "title": name.replace("_", " ").title(),
            "x-order": len(self.properties),
            "description": description,
        }
        if choices is not None:
            self.enums[name] = {
                "title": name,
                "description": "An enumeration.",
                "enum": list(choices),
                "type": kind,
            }
            prop["allOf"] = [{"$ref": f"#/components/schemas/{name}"}]
        else:
            prop["type"] = kind
        prop.update(spec)
        if "default" not in spec and spec.get("nullable") is not True:
            self.required.append(name)
        prop.pop("nullable", None)
        self.properties[name] = prop
        return self

    def input_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "title": self.title,
            "properties": self.properties,
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        return schema

    def openapi(self) -> dict[str, Any]:
        """A version's `openapi_schema`: the input schema and its enums under `components`."""
        return {
            "openapi": "3.0.2",
            "info": {"title": "Cog", "version": "0.1.0"},
            "paths": {},
            "components": {"schemas": {self.title: self.input_schema(), **self.enums}},
        }


def _ostris() -> SchemaBuilder:
    b = SchemaBuilder("TrainingInput")
    b.add("input_images", "string", "The zip of images.", format="uri", nullable=True)
    b.add("trigger_word", "string", "The trigger word of what is trained.", default="TOK")
    b.add("autocaption", "boolean", "Caption images with LLaVA 1.5 13B.", default=True)
    b.add("autocaption_prefix", "string", "Text at the start of every caption.", nullable=True)
    b.add("autocaption_suffix", "string", "Text at the end of every caption.", nullable=True)
    b.add("steps", "integer", "Number of training steps.", default=1000, minimum=3, maximum=6000)
    b.add("learning_rate", "number", "Learning rate.", default=0.0004)
    b.add("batch_size", "integer", "Batch size.", default=1)
    b.add("resolution", "string", "Image resolutions for training.", default="512,768,1024")
    b.add("lora_rank", "integer", "LoRA rank.", default=16, minimum=1, maximum=128)
    b.add(
        "caption_dropout_rate",
        "number",
        "How often a caption is ignored.",
        default=0.05,
        minimum=0,
        maximum=1,
    )
    b.add("optimizer", "string", "Optimizer to use for training.", default="adamw8bit")
    b.add("cache_latents_to_disk", "boolean", "Cache latents on disk.", default=False)
    b.add("layers_to_optimize_regex", "string", "Layers to optimize.", nullable=True)
    b.add("gradient_checkpointing", "boolean", "Gradient checkpointing.", default=False)
    b.add("hf_repo_id", "string", "Hugging Face repository id.", nullable=True)
    b.add(
        "hf_token",
        "string",
        "Hugging Face token.",
        format="password",
        nullable=True,
        **{"x-cog-secret": True},
    )
    b.add(
        "wandb_api_key",
        "string",
        "Weights and Biases API key.",
        format="password",
        nullable=True,
        **{"x-cog-secret": True},
    )
    b.add("wandb_project", "string", "W&B project.", default="flux_train_replicate")
    b.add("wandb_run", "string", "W&B run name.", nullable=True)
    b.add("wandb_entity", "string", "W&B entity.", nullable=True)
    b.add("wandb_sample_interval", "integer", "W&B sample interval.", default=100, minimum=1)
    b.add("wandb_sample_prompts", "string", "W&B sample prompts.", nullable=True)
    b.add("wandb_save_interval", "integer", "W&B save interval.", default=100, minimum=1)
    b.add(
        "skip_training_and_use_pretrained_hf_lora_url",
        "string",
        "A pre-trained LoRA URL.",
        nullable=True,
    )
    return b


def _fast_flux() -> SchemaBuilder:
    b = SchemaBuilder("TrainingInput")
    b.add("input_images", "string", "A zip file containing the images.", format="uri")
    b.add("trigger_word", "string", "The trigger word of what is trained.", default="TOK")
    b.add(
        "lora_type",
        "string",
        "What the LoRA learns.",
        choices=["subject", "style"],
        default="subject",
    )
    b.add(
        "training_steps",
        "integer",
        "Number of training steps.",
        default=1000,
        minimum=1,
        maximum=6000,
    )
    return b


def _predictor() -> SchemaBuilder:
    b = SchemaBuilder("Input")
    b.add("prompt", "string", "Prompt for the generated image; include the trigger word.")
    b.add("image", "string", "Input image for img2img or inpaint.", format="uri", nullable=True)
    b.add("mask", "string", "Image mask for inpainting.", format="uri", nullable=True)
    b.add(
        "aspect_ratio",
        "string",
        "Aspect ratio of the image.",
        choices=[*ASPECT_RATIOS, "custom"],
        default="1:1",
    )
    b.add("height", "integer", "Custom height.", minimum=256, maximum=1440, nullable=True)
    b.add("width", "integer", "Width with custom ratio.", minimum=256, maximum=1440, nullable=True)
    b.add("prompt_strength", "number", "img2img strength.", default=0.8, minimum=0, maximum=1)
    b.add("model", "string", "Inference model.", choices=["dev", "schnell"], default="dev")
    b.add("num_outputs", "integer", "Number of outputs.", default=1, minimum=1, maximum=4)
    b.add(
        "num_inference_steps",
        "integer",
        "Number of denoising steps.",
        default=28,
        minimum=1,
        maximum=50,
    )
    b.add("guidance_scale", "number", "Guidance scale.", default=3, minimum=0, maximum=10)
    b.add("seed", "integer", "Random seed.", nullable=True)
    b.add(
        "output_format",
        "string",
        "Format of the output images.",
        choices=["webp", "jpg", "png"],
        default="webp",
    )
    b.add("output_quality", "integer", "Output quality.", default=80, minimum=0, maximum=100)
    b.add("disable_safety_checker", "boolean", "Disable the safety checker.", default=False)
    b.add("go_fast", "boolean", "fp8 quantized inference.", default=False)
    b.add("megapixels", "string", "Approximate megapixels.", choices=["1", "0.25"], default="1")
    b.add("lora_scale", "number", "LoRA strength.", default=1, minimum=-1, maximum=3)
    b.add("extra_lora", "string", "An extra LoRA to load.", nullable=True)
    b.add("extra_lora_scale", "number", "Extra LoRA strength.", default=1, minimum=-1, maximum=3)
    b.add("replicate_weights", "string", "Override LoRA weights.", nullable=True)
    return b


TRAINERS: dict[str, SchemaBuilder] = {OSTRIS_TRAINER: _ostris(), FAST_FLUX_TRAINER: _fast_flux()}
PREDICTOR = _predictor()


def trainer_schema(trainer: str) -> SchemaBuilder:
    """A trainer's schema; a trainer the fake is configured with but does not know reads as
    ostris' (the FLUX fine-tuner most trainers derive from)."""
    return TRAINERS.get(trainer, TRAINERS[OSTRIS_TRAINER])

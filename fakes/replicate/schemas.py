"""Input schemas of the trainer and of trained FLUX LoRA versions, and a validator for them.

The schemas are the JSON Schema Replicate publishes in a version's `openapi_schema`; errors follow
the 422 body Replicate returns (`invalid_fields` with `type`, `field`, `description`).
"""

from __future__ import annotations

from typing import Any

ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"]

TRAINING_INPUT: dict[str, Any] = {
    "title": "TrainingInput",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "input_images": {"type": "string", "format": "uri"},
        "trigger_word": {"type": "string", "default": "TOK"},
        "lora_type": {"type": "string", "enum": ["subject", "style"], "default": "subject"},
        "autocaption": {"type": "boolean", "default": True},
        "autocaption_prefix": {"type": "string"},
        "autocaption_suffix": {"type": "string"},
        "steps": {"type": "integer", "minimum": 3, "maximum": 6000, "default": 1000},
        "learning_rate": {"type": "number", "default": 0.0004},
        "batch_size": {"type": "integer", "minimum": 1, "default": 1},
        "resolution": {"type": "string", "default": "512,768,1024"},
        "lora_rank": {"type": "integer", "minimum": 1, "maximum": 128, "default": 16},
        "caption_dropout_rate": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.05},
        "optimizer": {
            "type": "string",
            "enum": [
                "prodigy",
                "adam8bit",
                "adamw8bit",
                "lion8bit",
                "adam",
                "adamw",
                "lion",
                "adagrad",
                "adafactor",
            ],
            "default": "adamw8bit",
        },
        "cache_latents_to_disk": {"type": "boolean", "default": False},
        "gradient_checkpointing": {"type": "boolean", "default": False},
        "layers_to_optimize_regex": {"type": "string"},
    },
}

PREDICTION_INPUT: dict[str, Any] = {
    "title": "Input",
    "type": "object",
    "required": ["prompt"],
    "additionalProperties": False,
    "properties": {
        "prompt": {"type": "string"},
        "image": {"type": "string", "format": "uri"},
        "mask": {"type": "string", "format": "uri"},
        "aspect_ratio": {"type": "string", "enum": [*ASPECT_RATIOS, "custom"], "default": "1:1"},
        "width": {"type": "integer", "minimum": 256, "maximum": 1440},
        "height": {"type": "integer", "minimum": 256, "maximum": 1440},
        "prompt_strength": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.8},
        "model": {"type": "string", "enum": ["dev", "schnell"], "default": "dev"},
        "num_outputs": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
        "num_inference_steps": {"type": "integer", "minimum": 1, "maximum": 50, "default": 28},
        "guidance_scale": {"type": "number", "minimum": 0, "maximum": 10, "default": 3},
        "seed": {"type": "integer"},
        "output_format": {"type": "string", "enum": ["webp", "jpg", "png"], "default": "webp"},
        "output_quality": {"type": "integer", "minimum": 0, "maximum": 100, "default": 80},
        "disable_safety_checker": {"type": "boolean", "default": False},
        "go_fast": {"type": "boolean", "default": False},
        "megapixels": {"type": "string", "enum": ["1", "0.25"], "default": "1"},
        "lora_scale": {"type": "number", "minimum": -1, "maximum": 3, "default": 1},
        "extra_lora": {"type": "string"},
        "extra_lora_scale": {"type": "number", "minimum": -1, "maximum": 3, "default": 1},
        "replicate_weights": {"type": "string"},
    },
}


def openapi_schema(input_schema: dict[str, Any], name: str = "Input") -> dict[str, Any]:
    return {"openapi": "3.0.2", "components": {"schemas": {name: input_schema}}}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matches_type(value: Any, expected: str) -> bool:
    given = _type_name(value)
    if expected == "number":
        return given in ("integer", "number")
    if expected == "integer":
        return given == "integer" or (given == "number" and float(value).is_integer())
    return given == expected


def validate(value: Any, schema: dict[str, Any], root: str = "input") -> list[dict[str, str]]:
    """Problems of `value` against a flat object schema, in Replicate's `invalid_fields` form."""
    if not isinstance(value, dict):
        given = _type_name(value)
        text = f"Invalid type. Expected: object, given: {given}"
        return [{"type": "invalid_type", "field": root, "description": text}]
    problems: list[dict[str, str]] = []
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            problems.append(
                {"type": "required", "field": root, "description": f"{name} is required"}
            )
    for name, item in value.items():
        spec = properties.get(name)
        if spec is None:
            if schema.get("additionalProperties", True) is False:
                problems.append(
                    {
                        "type": "additional_property_not_allowed",
                        "field": root,
                        "description": f"Additional property {name} is not allowed",
                    }
                )
            continue
        problems.extend(_check(item, spec, f"{root}.{name}", name))
    return problems


def _check(item: Any, spec: dict[str, Any], field: str, name: str) -> list[dict[str, str]]:
    expected = spec.get("type")
    if expected and not _matches_type(item, expected):
        text = f"Invalid type. Expected: {expected}, given: {_type_name(item)}"
        return [{"type": "invalid_type", "field": field, "description": text}]
    if "enum" in spec and item not in spec["enum"]:
        options = ", ".join(f'"{option}"' for option in spec["enum"])
        text = f"{name} must be one of the following: {options}"
        return [{"type": "enum", "field": field, "description": text}]
    if "minimum" in spec and item < spec["minimum"]:
        text = f"Must be greater than or equal to {spec['minimum']}"
        return [{"type": "number_gte", "field": field, "description": text}]
    if "maximum" in spec and item > spec["maximum"]:
        text = f"Must be less than or equal to {spec['maximum']}"
        return [{"type": "number_lte", "field": field, "description": text}]
    return []


def with_defaults(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    defaults = {
        name: spec["default"] for name, spec in schema["properties"].items() if "default" in spec
    }
    return {**defaults, **value}

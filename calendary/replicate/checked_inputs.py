"""Inputs built for a version's published schema and checked against it before anything is
created on Replicate: a refused input is the user's to fix (400), never a failed training."""

from __future__ import annotations

from typing import Any

from calendary.errors import CalendaryError
from calendary.replicate.client import ReplicateClient
from calendary.replicate.input_schema import SchemaError
from calendary.replicate.inputs import (
    GENERATION_REQUEST_NAMES,
    TRAINING_REQUEST_NAMES,
    generation_input,
    refusal,
    training_input,
)
from calendary.replicate.schema_cache import PREDICTION_INPUT, SchemaCache

# The starter checks a request before the archive exists; any https URL stands in for it.
PLACEHOLDER_ARCHIVE = "https://archive.invalid/images.zip"


class InputRefused(CalendaryError, ValueError):
    """The version's schema refuses the request; the message names each field and what fits."""


async def training_input_for(
    client: ReplicateClient,
    schemas: SchemaCache,
    *,
    images_url: str,
    trigger_word: str,
    steps: int,
) -> dict[str, Any]:
    """The configured trainer's input. Raises `InputRefused`, `SchemaError` (the trainer lacks
    an input the service needs) and the client's errors (reading the schema)."""
    schema = await schemas.trainer(client)
    values = training_input(images_url, trigger_word=trigger_word, steps=steps, schema=schema)
    problem = refusal(schema, values, TRAINING_REQUEST_NAMES, client.trainer_model)
    if problem is not None:
        raise InputRefused(problem)
    return values


async def generation_input_for(
    client: ReplicateClient,
    schemas: SchemaCache,
    *,
    model: str,
    version: str,
    prompt: str,
    seed: int | None,
    aspect_ratio: str,
    num_inference_steps: int,
) -> dict[str, Any]:
    """A trained version's input; raises like `training_input_for`."""
    schema = await schemas.get(client, model, version, PREDICTION_INPUT)
    values = generation_input(
        prompt,
        seed=seed,
        aspect_ratio=aspect_ratio,
        num_inference_steps=num_inference_steps,
        schema=schema,
    )
    problem = refusal(schema, values, GENERATION_REQUEST_NAMES, model)
    if problem is not None:
        raise InputRefused(problem)
    return values


__all__ = [
    "PLACEHOLDER_ARCHIVE",
    "InputRefused",
    "SchemaError",
    "generation_input_for",
    "training_input_for",
]

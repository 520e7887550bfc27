"""Freeing a chat's training slot that a workflow which ended without an outcome still holds.

The training starter (`api/trainings.py`) finds such a slot, asks Replicate how that training
really ended and starts this under one id per stale workflow (`names.free_slot_instance_id`), so
requests that find the same slot share one run. It records that end like the training workflow
would have: the chat entity, index.md and the Trainings row. Its end is the starter's signal that
the slot is free, before the next training's reservation reaches the entity.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from orchestrators.chat_records import record_training_finished
from orchestrators.contracts import FreeSlotJob, FreeSlotResult

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def free_training_slot(
    context: df.DurableOrchestrationContext,
) -> Generator[Any, Any, dict[str, Any]]:
    job = FreeSlotJob.model_validate(context.get_input())
    training = yield from record_training_finished(context, job.chat_id, job.training)
    # The first recorded end wins, and an ended training never holds the slot.
    return FreeSlotResult(freed=not training.is_active).dump()

"""The chat record from a workflow: ask the chat entity, or record an outcome in every place.

Recording an outcome is one step: the entity's operation, then index.md rendered from the record
it left, then the outcome's table row (Trainings, Generations) where it has one. That is the
order the workflows always scheduled these actions in, so histories in flight replay unchanged.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar

import azure.durable_functions as df
from pydantic import BaseModel

from activities.chat_record import record_generation, record_training, write_index
from activities.contracts import RecordGenerationInput, RecordTrainingInput, WriteIndexInput
from calendary.domain import chat_operations as ops
from calendary.domain.chat_boundary import EntityAnswer, Operation
from calendary.domain.chat_state import ChatState, GenerationRecord, TrainingRecord
from entities.chat import chat_entity
from orchestrators import policies

RequestT = TypeVar("RequestT", bound=BaseModel)
ResultT = TypeVar("ResultT")  # a result model, or a Literal (erase)


def ask_chat(
    context: df.DurableOrchestrationContext,
    chat_id: str,
    operation: Operation[RequestT, ResultT],
    request: RequestT | None = None,
) -> Generator[Any, Any, EntityAnswer[ResultT]]:
    """One entity operation and nothing else (a read, or a change index.md need not show yet)."""
    payload = operation.payload(request)
    raw = yield context.call_entity(chat_entity(chat_id), operation.name, payload)
    return operation.answer(raw)


def read_chat(
    context: df.DurableOrchestrationContext, chat_id: str
) -> Generator[Any, Any, ChatState]:
    answer = yield from ask_chat(context, chat_id, ops.GET)
    return answer.result


def record(
    context: df.DurableOrchestrationContext,
    chat_id: str,
    operation: Operation[RequestT, ResultT],
    request: RequestT,
) -> Generator[Any, Any, EntityAnswer[ResultT]]:
    """Apply the operation, then render index.md from the record it left (ordered by revision)."""
    answer = yield from ask_chat(context, chat_id, operation, request)
    page = WriteIndexInput(chat_id=chat_id, state=answer.state, revision=answer.revision)
    yield context.call_activity_with_retry(write_index, policies.STORAGE, page.dump())
    return answer


def record_training_started(
    context: df.DurableOrchestrationContext, chat_id: str, request: ops.TrainingStarted
) -> Generator[Any, Any, TrainingRecord]:
    return (yield from _record_training(context, chat_id, ops.RECORD_TRAINING_STARTED, request))


def record_training_finished(
    context: df.DurableOrchestrationContext, chat_id: str, request: ops.TrainingFinished
) -> Generator[Any, Any, TrainingRecord]:
    return (yield from _record_training(context, chat_id, ops.RECORD_TRAINING_FINISHED, request))


def record_generation_completed(
    context: df.DurableOrchestrationContext, chat_id: str, request: ops.GenerationCompleted
) -> Generator[Any, Any, GenerationRecord]:
    answer = yield from record(context, chat_id, ops.COMPLETE_GENERATION, request)
    row = RecordGenerationInput(chat_id=chat_id, generation=_as_sent(answer.result))
    yield context.call_activity_with_retry(record_generation, policies.STORAGE, row.dump())
    return answer.result


def _record_training(
    context: df.DurableOrchestrationContext,
    chat_id: str,
    operation: Operation[RequestT, TrainingRecord],
    request: RequestT,
) -> Generator[Any, Any, TrainingRecord]:
    answer = yield from record(context, chat_id, operation, request)
    training = answer.result
    if training.training_id:  # a training Replicate refused to create has no row
        row = RecordTrainingInput(chat_id=chat_id, training=_as_sent(training))
        yield context.call_activity_with_retry(record_training, policies.STORAGE, row.dump())
    return training


def _as_sent(record: BaseModel) -> dict[str, Any]:
    """A record back as the entity's JSON: the keys it sent, so a row's input is what it was."""
    return record.model_dump(mode="json", exclude_unset=True)

"""Steps of the photo checks (orchestration version 1.1): analyse each upload, compare the set;
since 1.2 also compare again what retention left."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from activities.contracts import AnalyzedPhoto, AnalyzePhotoInput, CompareFacesInput, FaceDistances
from activities.photo_checks import analyze_photo, compare_faces
from calendary.domain import chat_operations as ops
from calendary.domain.chat_boundary import EntityAnswer
from calendary.domain.chat_state import ChatState
from calendary.domain.chat_uploads import FaceDistancesRecorded, comparable_blob_names
from orchestrators import policies
from orchestrators.chat_records import read_chat, record
from orchestrators.steps import run


def analyze_photos(
    context: df.DurableOrchestrationContext, chat_id: str, blob_names: list[str]
) -> Generator[Any, Any, dict[str, dict[str, Any] | None]]:
    """Every photo in parallel; the analysis (or None) by blob name."""
    if not blob_names:
        return {}
    tasks = [
        context.call_activity_with_retry(
            analyze_photo,
            policies.ANALYSIS,
            AnalyzePhotoInput(chat_id=chat_id, blob_name=name).dump(),
        )
        for name in blob_names
    ]
    answers = yield context.task_all(tasks)
    return {a.blob_name: a.analysis for a in (AnalyzedPhoto.model_validate(x) for x in answers)}


def check_same_person(
    context: df.DurableOrchestrationContext, chat_id: str, chat: ChatState
) -> Generator[Any, Any, ChatState]:
    """Compare the chat's comparable photos and record their distances; the chat's new record."""
    names = comparable_blob_names(chat)
    if len(names) < 2:
        return chat
    request = CompareFacesInput(chat_id=chat_id, blob_names=names)
    checked = yield from run(context, compare_faces, policies.ANALYSIS, request, FaceDistances)
    if not checked.distances:
        return chat
    return (yield from _record(context, chat_id, checked)).chat


def recheck_same_person(
    context: df.DurableOrchestrationContext, chat_id: str
) -> Generator[Any, Any, int]:
    """After retention removed photos: each remaining photo's distance was measured against
    photos that are gone, so the set is compared again. Below the set's minimum nothing can be
    compared and the old distances (and "different person?") are cleared. The photos compared."""
    names = comparable_blob_names((yield from read_chat(context, chat_id)))
    if not names:
        return 0
    request = CompareFacesInput(chat_id=chat_id, blob_names=names)
    checked = yield from run(context, compare_faces, policies.ANALYSIS, request, FaceDistances)
    yield from _record(context, chat_id, checked)
    return len(names)


def _record(
    context: df.DurableOrchestrationContext, chat_id: str, checked: FaceDistances
) -> Generator[Any, Any, EntityAnswer[FaceDistancesRecorded]]:
    distances = ops.RecordFaceDistances(
        blob_names=checked.blob_names,
        distances=checked.distances,
        max_distance=checked.max_distance,
    )
    return (yield from record(context, chat_id, ops.RECORD_FACE_DISTANCES, distances))

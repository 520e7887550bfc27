"""Activities that look at faces: one upload's checks, the same-person check, a generated likeness.

Pure computations over stored blobs; the only write is a photo's embedding under a name derived
from the photo's, so every activity here can run again with the same result.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

import azure.durable_functions as df

from activities.contracts import (
    AnalyzedPhoto,
    AnalyzePhotoInput,
    CompareFacesInput,
    FaceDistances,
    Likeness,
    ScoreLikenessInput,
)
from calendary.bootstrap import services
from calendary.domain import paths
from calendary.domain.photo_checks import PhotoAnalysis, photo_issues
from calendary.faces.worker import measure
from calendary.storage.blobs import BlobNotFound

if TYPE_CHECKING:
    from calendary.faces.measure import FaceMeasure

bp = df.Blueprint()
log = logging.getLogger(__name__)


def _analysis(measured: FaceMeasure) -> PhotoAnalysis:
    thresholds = services().settings.photo_thresholds()
    return PhotoAnalysis(
        width=measured.width,
        height=measured.height,
        faces=measured.faces,
        face_ratio=measured.face_ratio,
        sharpness=measured.sharpness,
        brightness=measured.brightness,
        issues=photo_issues(
            thresholds,
            width=measured.width,
            height=measured.height,
            faces=measured.faces,
            face_ratio=measured.face_ratio,
            sharpness=measured.sharpness,
            brightness=measured.brightness,
        ),
    )


@bp.activity_trigger(input_name="request")
async def analyze_photo(request: dict[str, Any]) -> dict[str, Any]:
    """Idempotent: measures a stored photo and (over)writes its embedding blob."""
    from PIL import UnidentifiedImageError  # Pillow loads on first use, not at indexing

    job = AnalyzePhotoInput.model_validate(request)
    blobs = services().blobs
    data = await asyncio.to_thread(blobs.get_bytes, job.blob_name)
    try:
        measured = await measure(data)
    except (UnidentifiedImageError, OSError) as exc:  # stored by fetch_image, so not expected
        log.warning("photo unreadable chat_id=%s blob=%s error=%s", job.chat_id, job.blob_name, exc)
        return AnalyzedPhoto(blob_name=job.blob_name).dump()
    if measured.embedding is not None:
        face = json.dumps({"embedding": measured.embedding}).encode()
        await asyncio.to_thread(
            blobs.put, paths.face_blob_name(job.blob_name), face, content_type="application/json"
        )
    analysis = _analysis(measured)
    log.info(
        "photo analysed chat_id=%s blob=%s faces=%d issues=%s",
        job.chat_id,
        job.blob_name,
        analysis.faces,
        ",".join(analysis.issues) or "none",
    )
    return AnalyzedPhoto(blob_name=job.blob_name, analysis=analysis.model_dump(mode="json")).dump()


def _embeddings(blob_names: list[str]) -> dict[str, tuple[float, ...]]:
    blobs = services().blobs
    found: dict[str, tuple[float, ...]] = {}
    for name in blob_names:
        try:
            found[name] = tuple(
                json.loads(blobs.get_bytes(paths.face_blob_name(name)))["embedding"]
            )
        except BlobNotFound:  # a photo stored before the checks: nothing to compare
            continue
    return found


def _compare(job: CompareFacesInput) -> FaceDistances:
    from calendary.faces.compare import distances_from_the_others

    settings = services().settings
    embeddings = _embeddings(job.blob_names)
    distances = (
        distances_from_the_others(embeddings)
        if len(embeddings) >= settings.face_min_set_size
        else {}
    )
    far = [n for n, d in distances.items() if d > settings.face_max_distance]
    log.info(
        "faces compared chat_id=%s photos=%d different=%d", job.chat_id, len(embeddings), len(far)
    )
    return FaceDistances(
        blob_names=job.blob_names, distances=distances, max_distance=settings.face_max_distance
    )


@bp.activity_trigger(input_name="request")
async def compare_faces(request: dict[str, Any]) -> dict[str, Any]:
    """Read-only: the same-person check of a set of uploads."""
    job = CompareFacesInput.model_validate(request)
    return (await asyncio.to_thread(_compare, job)).dump()


@bp.activity_trigger(input_name="request")
async def score_likeness(request: dict[str, Any]) -> dict[str, Any]:
    """Read-only: how close the generated face is to the training photos' faces."""
    from calendary.faces.compare import centre, distance

    job = ScoreLikenessInput.model_validate(request)
    svc = services()
    references = list((await asyncio.to_thread(_embeddings, job.reference_blobs)).values())
    measured = await measure(await asyncio.to_thread(svc.blobs.get_bytes, job.image_blob))
    if not references or measured.embedding is None:
        log.info("likeness not measured chat_id=%s blob=%s", job.chat_id, job.image_blob)
        return Likeness().dump()
    gap = round(distance(measured.embedding, centre(references)), 4)
    limit = svc.settings.likeness_max_distance
    log.info("likeness chat_id=%s blob=%s distance=%.3f", job.chat_id, job.image_blob, gap)
    return Likeness(distance=gap, below_threshold=gap > limit).dump()

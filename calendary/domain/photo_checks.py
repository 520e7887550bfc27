"""Verdicts on training photos: what the measurements of one photo, and of the set, mean.

Pure rules over numbers `calendary.faces` measures. A photo is `ok`, `warning` (trainable, but
worse results are likely) or `rejected` (it would harm the model: no face, several people, a
face too small, or by the set check a different person). The gate counts photos not rejected.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["ok", "warning", "rejected"]
IssueCode = Literal[
    "no_face",
    "several_faces",
    "face_too_small",
    "face_small",
    "blurred",
    "low_resolution",
    "too_dark",
    "too_bright",
    "different_person",
]
REJECTING: frozenset[str] = frozenset(
    {"no_face", "several_faces", "face_too_small", "different_person"}
)

_TEXT: dict[str, str] = {
    "no_face": "no face found",
    "several_faces": "{faces} people in the photo; only you should be in it",
    "face_too_small": "the face is too small ({percent}% of the photo); take a closer photo",
    "face_small": "the face is small ({percent}% of the photo); a closer photo trains better",
    "blurred": "the face is blurred",
    "low_resolution": "low resolution ({width}x{height})",
    "too_dark": "the face is too dark",
    "too_bright": "the face is overexposed",
    "different_person": "a different person? (distance {distance} from the others)",
}


class Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="ignore", defer_build=True
    )  # validators built on first use, not at import


class PhotoThresholds(Frozen):
    """The settings `Face*` (docs/storage.md gives each default and its reason)."""

    min_face_ratio: float = 0.08
    small_face_ratio: float = 0.15
    min_sharpness: float = 40.0
    min_side: int = 512
    min_brightness: float = 60.0
    max_brightness: float = 210.0
    max_distance: float = 0.55
    min_set_size: int = 3


class PhotoAnalysis(Frozen):
    """One photo's measurements as the chat record keeps them (the embedding stays in a blob)."""

    width: int
    height: int
    faces: int
    face_ratio: float
    sharpness: float
    brightness: float
    issues: tuple[IssueCode, ...] = ()
    # Set by the same-person check: this photo's distance from the centre of the others.
    distance: float | None = None


class CheckVerdict(Frozen):
    verdict: Verdict
    reasons: tuple[str, ...] = ()


def photo_issues(
    t: PhotoThresholds,
    *,
    width: int,
    height: int,
    faces: int,
    face_ratio: float,
    sharpness: float,
    brightness: float,
) -> tuple[IssueCode, ...]:
    issues: list[IssueCode] = []
    if faces == 0:
        issues.append("no_face")
    elif faces > 1:
        issues.append("several_faces")
    if faces and face_ratio < t.min_face_ratio:
        issues.append("face_too_small")
    elif faces and face_ratio < t.small_face_ratio:
        issues.append("face_small")
    if faces and sharpness < t.min_sharpness:
        issues.append("blurred")
    if min(width, height) < t.min_side:
        issues.append("low_resolution")
    if faces and brightness < t.min_brightness:
        issues.append("too_dark")
    elif faces and brightness > t.max_brightness:
        issues.append("too_bright")
    return tuple(issues)


def _text(code: str, a: PhotoAnalysis) -> str:
    return _TEXT[code].format(
        faces=a.faces,
        percent=round(a.face_ratio * 100),
        width=a.width,
        height=a.height,
        distance=f"{a.distance:.2f}" if a.distance is not None else "?",
    )


def verdict_of(a: PhotoAnalysis | None) -> CheckVerdict:
    """No analysis (a photo stored before the checks existed) counts as ok: nothing is known."""
    if a is None:
        return CheckVerdict(verdict="ok")
    reasons = tuple(_text(code, a) for code in a.issues)
    if any(code in REJECTING for code in a.issues):
        return CheckVerdict(verdict="rejected", reasons=reasons)
    return CheckVerdict(verdict="warning" if reasons else "ok", reasons=reasons)


def passes(a: PhotoAnalysis | None) -> bool:
    return verdict_of(a).verdict != "rejected"


def comparable(a: PhotoAnalysis | None) -> bool:
    """Photos that take part in the same-person check: one face, not rejected for another cause."""
    if a is None or a.faces != 1:
        return False
    return not any(c in REJECTING and c != "different_person" for c in a.issues)


def with_distance(a: PhotoAnalysis, distance: float | None, max_distance: float) -> PhotoAnalysis:
    issues = tuple(c for c in a.issues if c != "different_person")
    if distance is not None and distance > max_distance:
        issues = (*issues, "different_person")
    rounded = round(distance, 3) if distance is not None else None
    return a.model_copy(update={"issues": issues, "distance": rounded})

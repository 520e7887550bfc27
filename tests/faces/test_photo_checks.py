"""The photo checks on real faces and synthetic cases: the measurements, then the verdicts."""

from __future__ import annotations

import pytest

from calendary.domain.photo_checks import PhotoAnalysis, PhotoThresholds, photo_issues, verdict_of
from calendary.faces.compare import distances_from_the_others
from calendary.faces.measure import FaceMeasure, measure_photo
from tests.faces import photos

DEFAULTS = PhotoThresholds()


def analysed(data: bytes) -> tuple[FaceMeasure, PhotoAnalysis]:
    m = measure_photo(data)
    numbers = {
        "width": m.width,
        "height": m.height,
        "faces": m.faces,
        "face_ratio": m.face_ratio,
        "sharpness": m.sharpness,
        "brightness": m.brightness,
    }
    return m, PhotoAnalysis(**numbers, issues=photo_issues(DEFAULTS, **numbers))


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"])
def test_a_clear_portrait_is_ok(name: str) -> None:
    measured, analysis = analysed(photos.jpeg(photos.real(name)))
    assert measured.faces == 1 and measured.embedding is not None
    assert verdict_of(analysis).verdict == "ok", analysis


@pytest.mark.parametrize(
    ("case", "verdict", "issue"),
    [
        (photos.no_face, "rejected", "no_face"),
        (photos.two_faces, "rejected", "several_faces"),
        (photos.tiny_face, "rejected", "face_too_small"),
        (photos.blurred, "warning", "blurred"),
        (photos.dark, "warning", "too_dark"),
    ],
    ids=["no_face", "two_faces", "tiny_face", "blurred", "dark"],
)
def test_synthetic_cases(case, verdict: str, issue: str) -> None:
    _, analysis = analysed(photos.jpeg(case()))
    assert issue in analysis.issues
    assert verdict_of(analysis).verdict == verdict
    assert verdict_of(analysis).reasons  # a reason a user can read


def test_the_same_person_three_times_passes_and_a_stranger_is_flagged() -> None:
    names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"]
    embeddings = {n: measure_photo(photos.jpeg(photos.real(n))).embedding for n in names}
    same = distances_from_the_others({n: e for n, e in embeddings.items() if n != "biden.jpg"})
    assert max(same.values()) < DEFAULTS.max_distance, same
    mixed = distances_from_the_others(embeddings)
    far = {n for n, d in mixed.items() if d > DEFAULTS.max_distance}
    assert far == {"biden.jpg"}, mixed


def test_an_image_that_is_not_a_photo_raises() -> None:
    with pytest.raises(OSError):
        measure_photo(b"not an image")

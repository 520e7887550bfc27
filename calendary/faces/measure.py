"""What one photo shows: its faces, the main face's size, sharpness, exposure and embedding.

Pure measurement, no thresholds: `calendary.domain.photo_checks` turns the numbers into a verdict.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from calendary.faces.models import face_models

# Detection runs on a copy whose long side is at most this: a 12-megapixel photo is searched in
# ~0.1 s, and a face of 1/20 of the image side (far below the "too small" limit) is still found.
DETECT_SIDE = 1024
# The face region is resized to this before the Laplacian, so sharpness does not depend on the
# photo's resolution or on how large the face is in it.
SHARPNESS_SIDE = 160
# A second face counts as another person when it is at least this fraction of the main face's
# width; smaller ones are faces far in the background (a poster, a crowd).
OTHER_PERSON_RATIO = 0.35


@dataclass(frozen=True)
class FaceMeasure:
    width: int  # pixels of the original photo
    height: int
    faces: int  # faces of a similar size to the main face (the people in the photo)
    face_ratio: float  # main face width / shorter image side; 0 without a face
    sharpness: float  # variance of the Laplacian of the face (or whole image without one)
    brightness: float  # mean luminance 0..255 of the face (or the whole image)
    embedding: tuple[float, ...] | None  # 128 numbers of the main face


def _laplacian_variance(gray: np.ndarray) -> float:
    g = gray.astype(np.float64)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def _region(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    left, top, right, bottom = box
    left, top = max(0, left), max(0, top)
    right, bottom = min(image.width, right), min(image.height, bottom)
    if right - left < 8 or bottom - top < 8:
        return image
    return image.crop((left, top, right, bottom))


def measure_photo(data: bytes) -> FaceMeasure:
    """Measure a photo (JPEG, PNG, ...). Raises PIL's errors for data that is not an image."""
    with Image.open(io.BytesIO(data)) as opened:
        full_width = opened.width
        # JPEGs decode at a reduced scale (DCT scaling) while at least twice DETECT_SIDE:
        # detection never needs more and the face keeps enough pixels for its sharpness.
        opened.draft("RGB", (DETECT_SIDE * 2, DETECT_SIDE * 2))
        decoded = full_width / opened.width
        image = ImageOps.exif_transpose(opened).convert("RGB")
    width, height = round(image.width * decoded), round(image.height * decoded)
    scale = min(1.0, DETECT_SIDE / max(image.size))
    small = (
        image
        if scale == 1.0
        else image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BILINEAR,
        )
    )
    pixels = np.asarray(small)
    models = face_models()
    # Without upsampling HOG finds faces from ~80 px of the detection copy: every face large
    # enough to train on, in a fraction of the time. Only when none is found is the search
    # repeated at twice the size (faces from ~40 px), to tell "too small" from "no face".
    with models.busy:
        found = list(models.detector(pixels, 0)) or list(models.detector(pixels, 1))
    found.sort(key=lambda r: r.width() * r.height(), reverse=True)
    gray = image.convert("L")
    if not found:
        whole = gray.resize((SHARPNESS_SIDE * 2, SHARPNESS_SIDE * 2), Image.Resampling.BILINEAR)
        return FaceMeasure(
            width=width,
            height=height,
            faces=0,
            face_ratio=0.0,
            sharpness=_laplacian_variance(np.asarray(whole)),
            brightness=float(np.asarray(gray).mean()),
            embedding=None,
        )
    main = found[0]
    people = sum(1 for r in found if r.width() >= OTHER_PERSON_RATIO * main.width())
    box = tuple(round(v / scale) for v in (main.left(), main.top(), main.right(), main.bottom()))
    face = _region(gray, box)  # type: ignore[arg-type]
    face_small = face.resize((SHARPNESS_SIDE, SHARPNESS_SIDE), Image.Resampling.BILINEAR)
    with models.busy:
        shape = models.landmarks(pixels, main)
        embedding = models.encoder.compute_face_descriptor(pixels, shape)
    return FaceMeasure(
        width=width,
        height=height,
        faces=people,
        face_ratio=round((main.width() / scale) / min(image.size), 4),
        sharpness=round(_laplacian_variance(np.asarray(face_small)), 2),
        brightness=round(float(np.asarray(face).mean()), 2),
        embedding=tuple(round(float(v), 6) for v in embedding),
    )

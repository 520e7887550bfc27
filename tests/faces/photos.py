"""Real faces (face_recognition 1.3.0 test photos, fetched by `make faces`), synthetic cases."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

FACES = Path(__file__).parents[2] / ".local/faces/face_recognition-1.3.0/tests/test_images"


def real(name: str) -> Image.Image:
    path = FACES / name
    if not path.exists():
        pytest.fail(f"{path} is missing: `make faces` (or `make test`) fetches the test photos")
    return Image.open(path).convert("RGB")


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def no_face() -> Image.Image:
    """A landscape-like gradient: nothing a detector could take for a face."""
    image = Image.linear_gradient("L").resize((800, 600)).convert("RGB")
    return ImageEnhance.Color(image).enhance(0.5)


def two_faces() -> Image.Image:
    left, right = real("obama2.jpg"), real("biden.jpg")
    right = right.resize((round(right.width * left.height / right.height), left.height))
    both = Image.new("RGB", (left.width + right.width, left.height))
    both.paste(left, (0, 0))
    both.paste(right, (left.width, 0))
    return both


def blurred() -> Image.Image:
    image = real("obama3.jpg")
    return image.filter(ImageFilter.GaussianBlur(image.width / 250))


def tiny_face() -> Image.Image:
    face = real("obama.jpg")
    canvas = Image.new("RGB", (2400, 1800), (120, 130, 140))
    canvas.paste(face.resize((face.width // 3, face.height // 3)), (1000, 800))
    return canvas


def dark() -> Image.Image:
    return ImageEnhance.Brightness(real("obama2.jpg")).enhance(0.25)

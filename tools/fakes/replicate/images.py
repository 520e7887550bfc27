"""Deterministic stand-in images: the prompt drawn on a gradient coloured by the seed, or an
image a test chose (`outputs`) fitted to the requested size and format."""

from __future__ import annotations

import io
import math
import random
import textwrap

from PIL import Image, ImageDraw, ImageFont, ImageOps

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


def dimensions(
    aspect_ratio: str, megapixels: str = "1", width: int | None = None, height: int | None = None
) -> tuple[int, int]:
    """Output size as the FLUX predictor computes it: ~1 MP (or 0.25), sides multiples of 16."""
    if aspect_ratio == "custom":
        w, h = width or 1024, height or 1024
        return _round16(w), _round16(h)
    ratio_w, ratio_h = (int(part) for part in aspect_ratio.split(":"))
    pixels = (1024 * 1024) * float(megapixels)
    w = math.sqrt(pixels * ratio_w / ratio_h)
    return _round16(w), _round16(w * ratio_h / ratio_w)


def _round16(value: float) -> int:
    return max(16, round(value / 16) * 16)


def render(
    prompt: str,
    seed: int,
    index: int,
    size: tuple[int, int],
    output_format: str = "jpg",
    quality: int = 80,
) -> bytes:
    rng = random.Random(f"{seed}:{index}")
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)
    draw = ImageDraw.Draw(image)
    font_size = max(12, size[0] // 24)
    font = ImageFont.load_default(size=font_size)
    lines = [*textwrap.wrap(prompt, width=40)[:8], f"seed {seed} #{index}"]
    y = size[1] // 10
    for line in lines:
        draw.text((size[0] // 16 + 2, y + 2), line, fill=(0, 0, 0), font=font)
        draw.text((size[0] // 16, y), line, fill=(255, 255, 255), font=font)
        y += int(font_size * 1.3)
    return _encode(image, output_format, quality)


def fitted(
    data: bytes, size: tuple[int, int], output_format: str = "jpg", quality: int = 80
) -> bytes:
    """A chosen image scaled into the output's size (as FLUX sizes it), padded rather than
    cropped: a crop could cut off the face the test chose it for."""
    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.pad(source.convert("RGB"), size, color=(128, 128, 128))
    return _encode(image, output_format, quality)


def _encode(image: Image.Image, output_format: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    options = {} if output_format == "png" else {"quality": quality}
    image.save(buffer, _PIL_FORMATS[output_format], **options)
    return buffer.getvalue()

"""Test images made on the fly with Pillow."""

import io

from PIL import Image


def photo(width: int = 320, height: int = 240, fmt: str = "JPEG", **save: object) -> bytes:
    """A picture whose left half is red and right half blue, so rotations are visible."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def with_orientation(data: bytes, orientation: int) -> bytes:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=100)
    return out.getvalue()

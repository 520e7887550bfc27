"""Decoding an uploaded image and storing it the one way training wants: upright RGB JPEG.

De-duplication hash: SHA-256 over the width, height and RGB pixels after EXIF orientation. The
same photo sent again with other metadata, in a lossless other container, or already rotated
instead of carrying an EXIF orientation hashes the same; and the hash does not change if we ever
change the JPEG quality we store with (a hash of our encoder's output would).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from calendary.errors import CalendaryError

try:  # HEIC/HEIF (iPhone photos sent as files), when pillow-heif is installed.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    _FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "HEIF")
except ImportError:  # pragma: no cover - the pinned requirements include it
    _FORMATS = ("JPEG", "PNG", "WEBP")

SUPPORTED_FORMATS = _FORMATS
JPEG_QUALITY = 95


class ImageRejected(CalendaryError, ValueError):
    """Content that is not a usable image (permanent); `str()` is safe to show to users."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class NormalizedImage:
    jpeg: bytes
    width: int
    height: int
    source_format: str
    sha256: str


def pixel_hash(image: Image.Image) -> str:
    digest = hashlib.sha256(f"{image.width}x{image.height}\n".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected("too_many_pixels", "the image has too many pixels") from None
    except UnidentifiedImageError:
        raise ImageRejected(
            "not_an_image", "the file is not a JPEG, PNG, WebP or HEIC image"
        ) from None
    except OSError:
        raise ImageRejected("corrupt", "the image file is damaged") from None
    # Checked from the header, before any pixel is decoded.
    if image.width * image.height > max_pixels:
        raise ImageRejected("too_many_pixels", f"the image has more than {max_pixels} pixels")
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent areas become white, not black, as photo viewers show them.
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def normalize_image(
    data: bytes, *, min_side: int = 256, max_pixels: int = 50_000_000
) -> NormalizedImage:
    image = _open(data, max_pixels)
    source_format = image.format or "unknown"
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
        rgb = _to_rgb(upright)
    except (OSError, ValueError, SyntaxError):
        raise ImageRejected("corrupt", "the image file is damaged") from None
    if min(rgb.size) < min_side:
        raise ImageRejected("too_small", f"the image is smaller than {min_side} pixels per side")
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY)
    return NormalizedImage(
        jpeg=out.getvalue(),
        width=rgb.width,
        height=rgb.height,
        source_format=source_format,
        sha256=pixel_hash(rgb),
    )

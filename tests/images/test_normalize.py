"""Image normalization: a supported photo becomes an upright RGB JPEG; bad input is refused."""

import io

import pytest
from PIL import Image

from calendary.images.normalize import ImageRejected, normalize_image
from tests.images.samples import photo, with_orientation


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_supported_formats_become_rgb_jpeg(fmt: str) -> None:
    result = normalize_image(photo(400, 300, fmt))
    assert (result.width, result.height) == (400, 300)
    stored = decode(result.jpeg)
    assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", (400, 300))
    assert result.source_format == fmt


def test_exif_orientation_is_applied() -> None:
    rotated = with_orientation(photo(400, 300), 6)  # "rotate 90 clockwise to display"
    result = normalize_image(rotated)
    assert (result.width, result.height) == (300, 400)
    stored = decode(result.jpeg)
    top, bottom = stored.getpixel((150, 10)), stored.getpixel((150, 390))
    assert top[0] > 200 > top[2]  # red half now on top
    assert bottom[2] > 200 > bottom[0]


def test_transparent_png_becomes_white_not_black() -> None:
    clear = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    out = io.BytesIO()
    clear.save(out, format="PNG")
    assert min(decode(normalize_image(out.getvalue()).jpeg).getpixel((150, 150))) > 240


def test_hash_ignores_container_and_metadata_but_not_content() -> None:
    png = normalize_image(photo(300, 300, "PNG"))
    webp = normalize_image(photo(300, 300, "WEBP", lossless=True))
    assert png.sha256 == webp.sha256
    jpeg = photo(300, 300)
    assert normalize_image(jpeg).sha256 == normalize_image(jpeg).sha256
    assert normalize_image(photo(300, 301, "PNG")).sha256 != png.sha256


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>hello</html>", "not_an_image"),
        (b"", "not_an_image"),
        (photo(100, 400), "too_small"),
        (photo(400, 400, "GIF"), "not_an_image"),
        (photo(400, 400)[:200], "corrupt"),
    ],
)
def test_unusable_content_is_rejected(data: bytes, reason: str) -> None:
    with pytest.raises(ImageRejected) as info:
        normalize_image(data)
    assert info.value.reason == reason


def test_decompression_bombs_are_refused_from_the_header() -> None:
    # 20000 x 20000 pixels of one colour compress to a few kilobytes of PNG.
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 1_000_000
    with pytest.raises(ImageRejected) as info:
        normalize_image(bomb.getvalue(), max_pixels=50_000_000)
    assert info.value.reason == "too_many_pixels"

"""The files the bot can reach, as Telegram keeps them: each with a `file_id`, a `file_unique_id`
and a `file_path` that `/file/bot<token>/<file_path>` serves; a photo comes in several sizes."""

from __future__ import annotations

import io
import itertools
import mimetypes
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

# Telegram scales a photo's longer side down to these (where the photo is larger) and keeps the
# biggest copy last; here the last is the original bytes, so a download returns what was sent.
THUMBNAIL_SIDES = (90, 320, 800, 1280)
DOCUMENT_THUMBNAIL_SIDE = 320


class NotAnImage(ValueError):
    """Pillow cannot read the bytes (Telegram answers IMAGE_PROCESS_FAILED)."""


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    mime_type: str
    content: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    def file_json(self) -> dict[str, Any]:
        """The `File` object of getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }

    def photo_size_json(self) -> dict[str, Any]:
        """A `PhotoSize`: what `photo`, `thumbnail` and a sent photo list."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "width": self.width,
            "height": self.height,
        }


class FileStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)
        self.photo_groups: dict[str, tuple[StoredFile, ...]] = {}  # largest file_id -> sizes

    def add(
        self,
        content: bytes,
        *,
        folder: str = "documents",
        extension: str = "",
        mime_type: str | None = None,
        file_path: str | None = None,
        dimensions: tuple[int, int] | None = None,
    ) -> StoredFile:
        """Store `content` at `file_path`, or at `<folder>/file_<n><extension>` (n counts up)."""
        kind = "AgAC" if folder == "photos" else "BQAC"  # the prefixes Telegram's ids start with
        with self._lock:
            path = file_path or self._free_path(folder, extension)
            if path in self._by_path:
                raise ValueError(f"a file is stored at {path} already")
            stored = StoredFile(
                file_id=kind + secrets.token_urlsafe(36),  # URL-safe: n8n puts it in a query as is
                file_unique_id="AQAD" + secrets.token_urlsafe(9),
                file_path=path,
                mime_type=mime_type or mimetypes.guess_type(path)[0] or "application/octet-stream",
                content=content,
                width=dimensions[0] if dimensions else None,
                height=dimensions[1] if dimensions else None,
            )
            self._by_id[stored.file_id] = stored
            self._by_path[path] = stored
        return stored

    def add_photo(self, content: bytes) -> tuple[StoredFile, ...]:
        """The photo in Telegram's sizes, smallest first; the largest holds `content` itself."""
        image = _open(content)
        copies = [_scaled(image, side) for side in THUMBNAIL_SIDES if side < max(image.size)]
        sizes = [
            self.add(data, folder="photos", extension=".jpg", dimensions=dims)
            for data, dims in copies
        ]
        mime = Image.MIME.get(image.format or "", "image/jpeg")
        sizes.append(
            self.add(
                content, folder="photos", extension=".jpg", mime_type=mime, dimensions=image.size
            )
        )
        with self._lock:
            self.photo_groups[sizes[-1].file_id] = tuple(sizes)
        return tuple(sizes)

    def add_document_thumbnail(self, content: bytes) -> StoredFile | None:
        """The `thumbnail` Telegram gives an image sent as a file (none for other files)."""
        try:
            image = _open(content)
        except NotAnImage:
            return None
        data, dims = _scaled(image, DOCUMENT_THUMBNAIL_SIDE)
        return self.add(data, folder="thumbnails", extension=".jpg", dimensions=dims)

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self._by_id.get(file_id)

    def at(self, file_path: str) -> StoredFile | None:
        with self._lock:
            return self._by_path.get(file_path)

    def sizes_of(self, file_id: str) -> tuple[StoredFile, ...]:
        """Every size of the photo `file_id` belongs to (the file alone if not a photo)."""
        with self._lock:
            for sizes in self.photo_groups.values():
                if any(s.file_id == file_id for s in sizes):
                    return sizes
            stored = self._by_id.get(file_id)
        return (stored,) if stored else ()

    def _free_path(self, folder: str, extension: str) -> str:
        while True:
            path = f"{folder}/file_{next(self._numbers)}{extension}"
            if path not in self._by_path:
                return path


def _open(content: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(content))
        image.load()
    except (UnidentifiedImageError, OSError):
        raise NotAnImage from None
    return image


def _scaled(image: Image.Image, side: int) -> tuple[bytes, tuple[int, int]]:
    copy = image.convert("RGB")
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=80)
    return out.getvalue(), copy.size

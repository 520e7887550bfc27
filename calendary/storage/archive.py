"""Builds the training archive `{chatId}/archive_{timestamp}.zip` from upload blobs, streaming.

Each source blob is read in transfer-sized chunks and written into the zip as a stored entry
(JPEGs do not compress); the zip's bytes are cut into blocks staged on the target blob and
committed at the end. Memory holds about one chunk plus one block, whatever the archive's size.

Idempotent: the same archive name and sources give byte-identical content (fixed entry order,
times and attributes; deterministic block ids), and a committed archive whose metadata names
the same sources is returned as is, without rebuilding.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobBlock, BlobClient, ContainerClient, ContentSettings

from calendary.storage.clients import CHUNK_BYTES

_ENTRY_MODE = 0o100644 << 16  # regular file, rw-r--r--
_META_SOURCES = "sourcesdigest"
_META_COUNT = "imagecount"


@dataclass(frozen=True)
class ArchiveResult:
    blob_name: str
    image_count: int
    size_bytes: int


class _StagedBlockWriter:
    """A write-only, non-seekable file that stages its bytes as blocks of the blob.

    Small writes (zip headers) are gathered up to `block_size`; a write of at least `block_size`
    (a whole download chunk) is staged as it is, without a copy. Blocks may differ in size.
    """

    def __init__(self, blob: BlobClient, block_size: int) -> None:
        self._blob = blob
        self._block_size = block_size
        self._buffer = bytearray()
        self._position = 0
        self.block_ids: list[str] = []

    def write(self, data: bytes) -> int:
        size = len(data)
        self._position += size
        if self._buffer and len(self._buffer) + size > self._block_size:
            self._flush_buffer()
        if size >= self._block_size:
            self._stage(data)
        else:
            self._buffer += data
        return size

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        """Blocks are staged as they fill; the tail goes out in `finish`."""

    def finish(self) -> int:
        self._flush_buffer()
        return self._position

    def _flush_buffer(self) -> None:
        if self._buffer:
            self._stage(bytes(self._buffer))
            self._buffer.clear()

    def _stage(self, block: bytes) -> None:
        # Deterministic ids: a rerun restages the same ids, replacing any left uncommitted.
        block_id = base64.b64encode(f"{len(self.block_ids):08d}".encode()).decode()
        self._blob.stage_block(block_id, block)
        self.block_ids.append(block_id)


def sources_digest(blob_names: Sequence[str]) -> str:
    """Upload blobs are written once, so their names identify the archive's content."""
    return hashlib.sha256("\n".join(sorted(blob_names)).encode()).hexdigest()


class ArchiveBuilder:
    def __init__(self, container: ContainerClient, *, block_size: int = CHUNK_BYTES) -> None:
        self._container = container
        self._block_size = block_size

    def build(self, archive_name: str, blob_names: Sequence[str], at: datetime) -> ArchiveResult:
        """Zip `blob_names` (entries named by file name) into `archive_name`, stamped `at`."""
        if not blob_names:
            raise ValueError("an archive needs at least one image")
        names = sorted(set(blob_names))
        if len({posixpath.basename(n) for n in names}) != len(names):
            raise ValueError("archive entries would share a file name")
        digest = sources_digest(names)
        target = self._container.get_blob_client(archive_name)
        existing = self._existing(target, digest)
        if existing is not None:
            return existing
        writer = _StagedBlockWriter(target, self._block_size)
        stamp = (at.year, at.month, at.day, at.hour, at.minute, at.second)
        with zipfile.ZipFile(writer, mode="w", compression=zipfile.ZIP_STORED) as archive:
            for name in names:
                downloader = self._container.download_blob(name)
                info = zipfile.ZipInfo(posixpath.basename(name), date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = _ENTRY_MODE
                info.file_size = downloader.size
                with archive.open(info, mode="w") as entry:
                    for chunk in downloader.chunks():
                        entry.write(chunk)
        size = writer.finish()
        target.commit_block_list(
            [BlobBlock(block_id=b) for b in writer.block_ids],
            content_settings=ContentSettings(content_type="application/zip"),
            metadata={_META_SOURCES: digest, _META_COUNT: str(len(names))},
        )
        return ArchiveResult(blob_name=archive_name, image_count=len(names), size_bytes=size)

    @staticmethod
    def _existing(target: BlobClient, digest: str) -> ArchiveResult | None:
        try:
            props = target.get_blob_properties()
        except ResourceNotFoundError:
            return None
        if props.metadata.get(_META_SOURCES) != digest:
            return None
        return ArchiveResult(
            blob_name=target.blob_name,
            image_count=int(props.metadata.get(_META_COUNT, "0")),
            size_bytes=props.size,
        )

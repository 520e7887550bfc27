"""`multipart/form-data` bodies, read with the standard library (Starlette's parser needs an
extra package the project does not install): fields as text, file parts as `UploadedFile`."""

from __future__ import annotations

import email.message
import email.parser
import email.policy
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    content: bytes = field(repr=False)


class FormError(ValueError):
    """The body is not the multipart form its content type announces."""


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str, str | UploadedFile]]:
    """The parts in order, as (name, text) or (name, file); repeated names stay repeated."""
    boundary = _header(f"Content-Type: {content_type}").get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise FormError("multipart body without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2:
        raise FormError("multipart body without parts")
    parts: list[tuple[str, str | UploadedFile]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise FormError("multipart part without headers")
        # The CRLF before the next delimiter belongs to the delimiter, not to the content.
        content = content.removesuffix(b"\r\n")
        headers = _header(head.decode("utf-8", "replace"))
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise FormError("multipart part without a name")
        filename = headers.get_filename()
        if filename is None:
            parts.append((name, content.decode("utf-8", "replace")))
        else:
            kind = headers.get_content_type() if "content-type" in headers else ""
            parts.append(
                (name, UploadedFile(filename, kind or "application/octet-stream", content))
            )
    return parts


def _header(text: str) -> email.message.Message:
    return email.parser.Parser(policy=email.policy.compat32).parsestr(text + "\r\n\r\n")

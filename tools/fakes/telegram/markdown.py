"""Telegram's legacy `Markdown` parse mode: the text a chat shows, or the error Telegram answers.

n8n's Telegram node sends `parse_mode: Markdown` unless told otherwise, so an unpaired `_` or `*`
in a message fails there as it does on Telegram instead of passing silently.
"""

from __future__ import annotations

from tools.fakes.telegram.protocol import BotApiError

_MARKS = "_*`["


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text without markup for `Markdown`; other modes (MarkdownV2, HTML) pass unchecked."""
    if (parse_mode or "").lower() != "markdown":
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _MARKS:
            out.append(text[i + 1])
            i += 2
        elif text.startswith("```", i):
            end = _find(text, "```", i + 3, i)
            out.append(text[i + 3 : end])
            i = end + 3
        elif char == "[":
            close = _find(text, "]", i + 1, i)
            if not text.startswith("(", close + 1):
                raise _unclosed(text, i)
            out.append(text[i + 1 : close])
            i = _find(text, ")", close + 2, i) + 1
        elif char in _MARKS:
            end = _find(text, char, i + 1, i)
            out.append(text[i + 1 : end])
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _find(text: str, mark: str, start: int, entity_start: int) -> int:
    end = text.find(mark, start)
    if end < 0:
        raise _unclosed(text, entity_start)
    return end


def _unclosed(text: str, start: int) -> BotApiError:
    offset = len(text[:start].encode("utf-8"))
    return BotApiError(
        400,
        "Bad Request: can't parse entities: "
        f"Can't find end of the entity starting at byte offset {offset}",
    )

"""`{chatId}/index.md`, rendered whole from the chat's state in the seed's format.

Several trainings: one `## Training` section per training, oldest first, each followed by the
`### Generation` sections made with it. With one training this is exactly the seed's example.
Keys the seed shows come first, in its order; `Version`, `Completed` and, for failures, `Status`
lines are added only when they carry information. Lines whose value is unknown are left out.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from calendary.domain.chat_state import (
    ChatState,
    GenerationRecord,
    RetentionRecord,
    TrainingRecord,
)
from calendary.domain.image_urls import redact_url
from calendary.domain.likeness_retry import attempts_text
from calendary.domain.photo_checks import verdict_of

# Characters with an inline meaning in CommonMark/GFM. Block syntax (headings, lists, quotes)
# needs a line start, and user text never gets one: it always follows "- Key: " on one line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
# URLs: same, but `_` and `&` are common in blob names and harmless without emphasis pairs.
_URL_SPECIAL = re.compile(r"([\\`*\[\]<>|~!])")
# Anything that could end the line: CR, LF, VT, FF, NEL, LS, PS, and other control characters.
_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def format_time(at: datetime) -> str:
    """`yyyy-MM-dd HH:mm:ss UTC`; naive datetimes are taken as UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


def escape_text(text: str) -> str:
    """User text as one inert line: breaks become spaces, markdown characters are escaped."""
    one_line = _LINE_BREAKS_AND_CONTROLS.sub(" ", text).strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def _url(url: str) -> str:
    # Records keep plain URLs; a SAS (or a token path) never lands in the document.
    one_line = _LINE_BREAKS_AND_CONTROLS.sub("", redact_url(url)).replace(" ", "%20")
    return _URL_SPECIAL.sub(r"\\\1", one_line)


def _lines(pairs: list[tuple[str, str | None]]) -> list[str]:
    return [f"- {key}: {value}" for key, value in pairs if value is not None and value != ""]


def _compute(seconds: float | None, hardware: str | None) -> str | None:
    """Replicate's billed `predict_time`, and the hardware when Replicate names it."""
    if seconds is None:
        return None
    return f"{seconds:.1f} s" + (f" on {escape_text(hardware)}" if hardware else "")


def _training_section(t: TrainingRecord) -> list[str]:
    pairs: list[tuple[str, str | None]] = [
        ("Training ID", escape_text(t.training_id) if t.training_id else None),
        ("Model ID", t.model_id),  # built by paths.model_name: [a-z0-9_./-] only
        ("Status", t.status),
        ("Archive", _url(t.archive_url) if t.archive_url else None),
        ("Trigger Word", escape_text(t.trigger_word)),
        ("Steps", str(t.steps)),
        ("Started", format_time(t.created_at)),
        ("Version", escape_text(t.version) if t.version else None),
        ("Completed", format_time(t.completed_at) if t.completed_at else None),
        ("Compute", _compute(t.predict_time, t.hardware)),
    ]
    return ["## Training", "", *_lines(pairs), ""]


def _generation_section(g: GenerationRecord) -> list[str]:
    seed = g.output_seed if g.output_seed is not None else g.seed
    pairs: list[tuple[str, str | None]] = [
        ("Date", format_time(g.created_at)),
        ("Prompt", escape_text(g.prompt)),
        ("Trigger Word Added", "yes" if g.trigger_word_added else None),
        ("Seed", str(seed) if seed is not None else None),
        ("Image", _url(g.image_url) if g.image_url else None),
        ("Likeness", f"{g.likeness_distance:.2f}" if g.likeness_distance is not None else None),
        ("Likeness Attempts", escape_text(attempts_text(g.attempts)) if g.attempts else None),
        ("Status", g.status if g.status != "succeeded" else None),
        ("Compute", _compute(g.predict_time, g.hardware)),
    ]
    # Generation ids are checked by paths.check_generation_id before they are recorded.
    return [f"### Generation {g.generation_id}", "", *_lines(pairs), ""]


def _retention_section(r: RetentionRecord) -> list[str]:
    """What the retention limits removed: counts and times only, so the page says why less
    is listed than was uploaded or generated."""
    pairs: list[tuple[str, str | None]] = [
        ("Photos Removed", str(r.images)),
        ("Generations Removed", str(r.generations)),
        ("Archives Removed", format_time(r.archives_removed_at) if r.archives_removed_at else None),
        ("Last Removed", format_time(r.last_removed_at)),
    ]
    return ["## Retention", "", *_lines(pairs), ""]


def _photo_checks(state: ChatState) -> list[str]:
    """One line per checked photo: its verdict and, when not ok, why (left out before checks)."""
    checked = [i for i in state.images if i.analysis is not None]
    if not checked:
        return []
    lines = ["### Photo Checks", ""]
    passing = sum(1 for i in checked if verdict_of(i.analysis).verdict != "rejected")
    lines += [f"- Passing: {passing} of {len(checked)}"]
    for image in checked:
        v = verdict_of(image.analysis)
        why = f" ({escape_text('; '.join(v.reasons))})" if v.reasons else ""
        lines.append(f"- {escape_text(image.file_name)}: {v.verdict}{why}")
    return [*lines, ""]


def render_index(state: ChatState) -> str:
    lines = [f"# Chat {state.chat_id}", "", "## Uploaded Images", ""]
    last = state.last_upload_at
    lines += _lines(
        [
            ("Date", format_time(last) if last else None),
            ("Count", str(len(state.images))),
        ]
    )
    lines.append("")
    lines += _photo_checks(state)
    known = {t.training_id for t in state.trainings if t.training_id}
    for t in state.trainings:
        lines += _training_section(t)
        for g in state.generations:
            if g.training_id == t.training_id:
                lines += _generation_section(g)
    # Generations always name a recorded training; this keeps the document complete regardless.
    for g in state.generations:
        if g.training_id not in known:
            lines += _generation_section(g)
    if state.retention is not None:
        lines += _retention_section(state.retention)
    return "\n".join(lines).rstrip("\n") + "\n"

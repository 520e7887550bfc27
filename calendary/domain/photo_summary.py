"""The photo checks of a chat's set, summarised for the status answer, the gate and index.md."""

from __future__ import annotations

from calendary.domain.chat_state import ChatState
from calendary.domain.photo_checks import verdict_of
from calendary.domain.responses import PhotoSummary, PhotoVerdict


def photo_summary(state: ChatState) -> PhotoSummary:
    verdicts = [(i.file_name, verdict_of(i.analysis)) for i in state.images]
    count = {
        v: sum(1 for _, x in verdicts if x.verdict == v) for v in ("ok", "warning", "rejected")
    }
    return PhotoSummary(
        ok=count["ok"],
        warning=count["warning"],
        rejected=count["rejected"],
        passing=count["ok"] + count["warning"],
        issues=[
            PhotoVerdict(file_name=name, verdict=v.verdict, reasons=list(v.reasons))
            for name, v in verdicts
            if v.verdict != "ok"
        ],
    )


def gate_refusal(state: ChatState, minimum: int) -> str | None:
    """Why the set may not train (fewer than `minimum` photos pass), or None when it may."""
    summary = photo_summary(state)
    if summary.passing >= minimum:
        return None
    rejected = "; ".join(
        f"{p.file_name}: {', '.join(p.reasons)}" for p in summary.issues if p.verdict == "rejected"
    )
    return (
        f"only {summary.passing} of {len(state.images)} photos pass the checks and at least "
        f"{minimum} are needed; replace these photos: {rejected} "
        '(or send "force": true to train on them anyway)'
    )

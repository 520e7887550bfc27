"""The photo checks of a chat's set, summarised for the status answer, the gate and index.md."""

from __future__ import annotations

from calendary.domain.chat_state import ChatState
from calendary.domain.photo_checks import verdict_of
from calendary.domain.responses import PhotoSummary, PhotoVerdict, TrainingRefusedData


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


def gate_refusal(state: ChatState, minimum: int) -> TrainingRefusedData | None:
    """The photos to replace when fewer than `minimum` pass, or None when the set may train."""
    summary = photo_summary(state)
    if summary.passing >= minimum:
        return None
    replace = [p for p in summary.issues if p.verdict == "rejected"]
    return TrainingRefusedData(passing=summary.passing, minimum=minimum, replace=replace)


def refusal_text(refusal: TrainingRefusedData, image_count: int) -> str:
    rejected = "; ".join(f"{p.file_name}: {', '.join(p.reasons)}" for p in refusal.replace)
    return (
        f"only {refusal.passing} of {image_count} photos pass the checks and at least "
        f"{refusal.minimum} are needed; replace these photos: {rejected} "
        '(or send "force": true to train on them anyway)'
    )

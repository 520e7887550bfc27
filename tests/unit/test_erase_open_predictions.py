"""Which predictions an erase cancels: those of every generation row that may still run."""

from __future__ import annotations

from typing import get_args

from activities.erase_replicate import open_predictions
from calendary.replicate.models import TERMINAL_STATUSES, ReplicateStatus
from calendary.storage.tables import GenerationRow


def row(
    generation_id: str, status: str | None, first: str | None, retry: str | None = None
) -> GenerationRow:
    return GenerationRow(chat_id="1", generation_id=generation_id, status=status,
                         replicate_id=first, retry_replicate_id=retry)  # fmt: skip


def test_every_running_status_of_replicate_is_canceled() -> None:
    running = [s for s in get_args(ReplicateStatus) if s not in TERMINAL_STATUSES]
    assert running == ["starting", "processing"]
    rows = [row(f"g{i}", s, f"p{i}") for i, s in enumerate(running)]
    assert open_predictions(rows) == {"p0", "p1"}


def test_a_likeness_retry_has_its_second_prediction_canceled_too() -> None:
    # The row's status is the retry's; the first prediction has ended (canceling it is a no-op).
    assert open_predictions([row("g1", "processing", "p1", "p2")]) == {"p1", "p2"}


def test_a_row_without_a_status_yet_counts_as_running() -> None:
    assert open_predictions([row("g1", None, "p1")]) == {"p1"}


def test_ended_generations_and_rows_without_a_prediction_are_left_alone() -> None:
    ended = [row(f"g{s}", s, f"p-{s}", f"r-{s}") for s in sorted(TERMINAL_STATUSES)]
    assert open_predictions([*ended, row("g0", "starting", None)]) == set()

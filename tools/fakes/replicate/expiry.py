"""Replicate's retention time: prediction data and delivery files vanish after `output_ttl`.

The retention clock is real time plus `Account.clock_offset`, so tests can age outputs without
waiting; webhook timestamps keep real time.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tools.fakes.replicate.jobs import Job

if TYPE_CHECKING:
    from tools.fakes.replicate.account import Account


def retention_now(account: Account) -> float:
    return time.time() + account.clock_offset


def is_expired(account: Account, moment: float) -> bool:
    return retention_now(account) - moment > account.config.output_ttl


def expire(account: Account, job: Job) -> None:
    """Drop a finished prediction's input, output and logs once its retention time has passed."""
    if (
        job.kind == "prediction"
        and job.completed_at is not None
        and not job.data_removed
        and is_expired(account, job.completed_at)
    ):
        job.remove_data()

"""A local Replicate that follows the real contract: `FakeReplicate(config).app` is the ASGI app."""

from tools.fakes.replicate.app import FakeReplicate
from tools.fakes.replicate.config import DEFAULT_TOKEN, FakeConfig, Schedule
from tools.fakes.replicate.faults import JobFailure, RequestFault, WebhookFault
from tools.fakes.replicate.ledger import Ledger, LedgerEntry

__all__ = [
    "DEFAULT_TOKEN",
    "FakeConfig",
    "FakeReplicate",
    "JobFailure",
    "Ledger",
    "LedgerEntry",
    "RequestFault",
    "Schedule",
    "WebhookFault",
]

"""A local Replicate that follows the real contract: `FakeReplicate(config).app` is the ASGI app."""

from fakes.replicate.app import FakeReplicate
from fakes.replicate.config import DEFAULT_TOKEN, FakeConfig, Schedule
from fakes.replicate.faults import JobFailure, RequestFault, WebhookFault
from fakes.replicate.ledger import Ledger, LedgerEntry

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

"""Calling Replicate from an activity: transient failures raise (the workflow's retry policy
repeats the call), permanent refusals (4xx) become outcomes the workflow records; both through
`activities.errors`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from activities.contracts import ReplicateJob
from activities.errors import transient_raises
from calendary.composition import services
from calendary.replicate.errors import PermanentError

log = logging.getLogger(__name__)
T = TypeVar("T")
J = TypeVar("J")

# Pages of recent jobs (100 each on Replicate) searched for one an earlier attempt created.
LOOKUP_PAGES = 2


class JobPage(Protocol[J]):
    @property
    def results(self) -> list[J]: ...

    @property
    def next(self) -> str | None: ...


async def job_state(
    call: Awaitable[T], what: str, job_id: str, reduce: Callable[[T], ReplicateJob]
) -> dict[str, Any]:
    """A job's state; one Replicate no longer knows (404) or refuses is final: failed."""
    try:
        return reduce(await transient_raises(call, what)).dump()
    except PermanentError as exc:
        log.error("replicate %s refused job_id=%s status=%s", what, job_id, exc.status)
        return ReplicateJob(id=job_id, status="failed", error=str(exc)).dump()


def webhook_for(instance_id: str) -> str | None:
    """`{WebhookUrl}?instanceId=...`: the webhook function raises its event on that instance."""
    base = services().settings.webhook_url
    if not base:
        return None
    parts = urlsplit(base)
    query = "&".join(q for q in (parts.query, urlencode({"instanceId": instance_id})) if q)
    return urlunsplit(parts._replace(query=query))


async def created_earlier(
    list_page: Callable[[str | None], Awaitable[JobPage[J]]], owns: Callable[[J], bool], what: str
) -> J | None:
    """The job an earlier attempt of this workflow created, among the newest on Replicate.

    Creating a job is billed and not idempotent, and its answer can be lost after Replicate acted
    on it. A retry follows within minutes, so the first pages (newest first) are enough."""
    cursor: str | None = None
    for _ in range(LOOKUP_PAGES):
        page = await transient_raises(list_page(cursor), what)
        for job in page.results:
            if owns(job):
                return job
        if page.next is None:
            return None
        cursor = page.next
    return None

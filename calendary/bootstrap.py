"""The one composition root: `bootstrap()` builds every adapter from settings, tests override any.

HTTP functions, activities and timers read `services()`: one process-wide `Services`, made on
first use from the app settings. A test builds its own with real adapters pointed at Azurite
and the fakes (`bootstrap(settings, replicate=ReplicateClient(...))`) and installs it for its
duration (`with installed(...)`); nothing swaps settings behind a running app's back.

Each adapter is built when first asked for, and its library imported then: the worker indexes
the functions by importing `function_app`, and a cold start should not pay for the storage
SDKs, httpx or Pillow before a function needs them.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

if TYPE_CHECKING:
    import httpx
    from azure.data.tables import TableClient

    from calendary.delivery.deliver import Deliverer, Sender
    from calendary.images.fetch import ImageFetcher
    from calendary.replicate.client import ReplicateClient
    from calendary.replicate.schema_cache import SchemaCache
    from calendary.replicate.webhooks import WebhookSecretProvider
    from calendary.settings import Settings
    from calendary.storage.archive import ArchiveBuilder
    from calendary.storage.blobs import BlobStore
    from calendary.storage.clients import StorageClients
    from calendary.storage.notifications_queue import NotificationQueue
    from calendary.storage.tables import GenerationsTable, TrainingsTable


T = TypeVar("T")


class Overrides(TypedDict, total=False):
    """Adapters a caller hands in instead of the ones built from settings."""

    storage: StorageClients
    blobs: BlobStore
    archives: ArchiveBuilder
    trainings: TrainingsTable
    generations: GenerationsTable
    notifications: NotificationQueue
    # An async client given here is used on whatever loop calls it: the caller keeps it to one.
    replicate: ReplicateClient
    image_fetcher: ImageFetcher
    downloads: httpx.AsyncClient
    webhook_secret: WebhookSecretProvider
    sender: Sender
    deliverer: Deliverer


@dataclass
class _LoopBound:
    replicate: ReplicateClient
    fetcher: ImageFetcher
    downloads: httpx.AsyncClient  # Replicate output files: no token, no redirects


class Services:
    """The adapters of one configuration, each built once, when first used."""

    def __init__(self, settings: Settings, overrides: Overrides) -> None:
        self.settings = settings
        self._overrides = overrides
        self._lock = threading.Lock()
        # httpx.AsyncClient (under Replicate and the image fetcher) binds its connection pool to
        # the event loop that first uses it. The Functions worker runs one loop, but tests and
        # local tools run several (pytest's, each local host's thread, `asyncio.run`), so the
        # clients built here are kept per loop; they are small, and a loop's go with it.
        self._per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopBound] = (
            weakref.WeakKeyDictionary()
        )

    def _built(self, name: str, build: Callable[[], T]) -> T:
        """The override called `name`, else what `build` makes from the settings."""
        given = self._overrides.get(name)
        return given if given is not None else build()

    # Storage ------------------------------------------------------------------------------

    @cached_property
    def storage(self) -> StorageClients:
        from calendary.storage.clients import ensure_storage, storage_clients_from_settings

        clients = self._built("storage", lambda: storage_clients_from_settings(self.settings))
        ensure_storage(
            clients,
            container=self.settings.data_container,
            tables=(
                self.settings.trainings_table,
                self.settings.generations_table,
                self.settings.erasures_table,
                self.settings.notification_deliveries_table,
            ),
            queue=self.settings.notifications_queue,
        )
        return clients

    @cached_property
    def blobs(self) -> BlobStore:
        from calendary.storage.blobs import BlobStore

        container = self.settings.data_container
        return self._built("blobs", lambda: BlobStore(self.storage.blob_service, container))

    @cached_property
    def archives(self) -> ArchiveBuilder:
        from calendary.storage.archive import ArchiveBuilder

        def build() -> ArchiveBuilder:
            service = self.storage.blob_service
            return ArchiveBuilder(service.get_container_client(self.settings.data_container))

        return self._built("archives", build)

    @cached_property
    def trainings(self) -> TrainingsTable:
        from calendary.storage.tables import TrainingsTable

        name = self.settings.trainings_table
        return self._built("trainings", lambda: TrainingsTable(self.table(name)))

    @cached_property
    def generations(self) -> GenerationsTable:
        from calendary.storage.tables import GenerationsTable

        name = self.settings.generations_table
        return self._built("generations", lambda: GenerationsTable(self.table(name)))

    def table(self, name: str) -> TableClient:
        return self.storage.table_service.get_table_client(name)

    @cached_property
    def notifications(self) -> NotificationQueue:
        from calendary.storage.notifications_queue import NotificationQueue

        def build() -> NotificationQueue:
            service = self.storage.queue_service
            return NotificationQueue.from_service(service, self.settings.notifications_queue)

        return self._built("notifications", build)

    # Delivery (the queue trigger) ---------------------------------------------------------

    @cached_property
    def deliverer(self) -> Deliverer:
        from calendary.delivery.channels import build_sender
        from calendary.delivery.deliver import Deliverer
        from calendary.storage.deliveries import DeliveryRecords

        def build() -> Deliverer:
            sender = self._built("sender", lambda: build_sender(self.settings))
            table = self.table(self.settings.notification_deliveries_table)
            return Deliverer(sender=sender, records=DeliveryRecords(table))

        return self._built("deliverer", build)

    # Replicate and downloads: async clients -----------------------------------------------

    @cached_property
    def schemas(self) -> SchemaCache:
        """Versions' input schemas: plain data, shared by every loop's client."""
        from calendary.replicate.schema_cache import SchemaCache

        return SchemaCache()

    def _loop_bound(self) -> _LoopBound:
        loop = asyncio.get_running_loop()
        with self._lock:
            bound = self._per_loop.get(loop)
            if bound is None:
                bound = self._per_loop[loop] = _new_loop_bound(self.settings)
            return bound

    def replicate(self) -> ReplicateClient:
        return self._built("replicate", lambda: self._loop_bound().replicate)

    def image_fetcher(self) -> ImageFetcher:
        return self._built("image_fetcher", lambda: self._loop_bound().fetcher)

    def downloads(self) -> httpx.AsyncClient:
        return self._built("downloads", lambda: self._loop_bound().downloads)

    @cached_property
    def _webhook_secret(self) -> WebhookSecretProvider:
        from calendary.replicate.webhooks import WebhookSecretProvider

        # Fetched through the client of whichever loop asks first; the secret is plain data.
        return self._built(
            "webhook_secret",
            lambda: WebhookSecretProvider(
                self.settings.replicate_webhook_secret,
                lambda: self.replicate().get_webhook_secret(),
            ),
        )

    def webhook_secret(self) -> WebhookSecretProvider:
        return self._webhook_secret


def _new_loop_bound(settings: Settings) -> _LoopBound:
    import httpx

    from calendary import log_redaction
    from calendary.images.fetch import fetcher_from_settings
    from calendary.replicate.client import ReplicateClient

    log_redaction.redact_httpx_urls()  # httpx logs request URLs: bot tokens, SAS queries
    return _LoopBound(
        replicate=ReplicateClient.from_settings(settings),
        fetcher=fetcher_from_settings(settings),
        downloads=httpx.AsyncClient(timeout=httpx.Timeout(60, connect=10)),
    )


def bootstrap(settings: Settings | None = None, **overrides: Unpack[Overrides]) -> Services:
    """The services for `settings` (the app settings when omitted), with `overrides` in place of
    the adapters that would be built from them."""
    unknown = set(overrides) - set(Overrides.__annotations__)
    if unknown:
        raise TypeError(f"bootstrap() got unknown overrides: {', '.join(sorted(unknown))}")
    if settings is None:
        # Imported here: pydantic-settings costs ~40 ms, paid when a function first needs the
        # settings rather than when the worker indexes the app.
        from calendary.settings import get_settings

        settings = get_settings()
    return Services(settings, overrides)


_installed: Services | None = None
_install_lock = threading.Lock()


def services() -> Services:
    """The process-wide services: the installed ones, else built on first use from the app
    settings. A plain global, not a context variable: the local host runs functions on its own
    thread and loop, and they must see what the test installed."""
    global _installed
    with _install_lock:
        if _installed is None:
            _installed = bootstrap()
        return _installed


def _install(chosen: Services | None) -> Services | None:
    """Make `chosen` the process-wide services (None: built again on next use); returns the
    ones it replaces. Only through `installed`, which puts them back."""
    global _installed
    with _install_lock:
        previous, _installed = _installed, chosen
    return previous


@contextmanager
def installed(chosen: Services) -> Iterator[Services]:
    """`chosen` as the process-wide services inside the block; the previous ones after it."""
    previous = _install(chosen)
    try:
        yield chosen
    finally:
        _install(previous)

"""The one place that builds the service's adapters from settings; tests hand in their own settings.

Sync storage clients are shared by the whole process. The async HTTP clients (Replicate, image
downloads) belong to the event loop that first used them, so each loop gets its own.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from dataclasses import dataclass, field
from functools import cached_property

import httpx
from azure.data.tables import TableClient

from calendary import log_redaction
from calendary.images.fetch import ImageFetcher, fetcher_from_settings
from calendary.replicate.client import ReplicateClient
from calendary.replicate.schema_cache import SchemaCache
from calendary.replicate.webhooks import WebhookSecretProvider
from calendary.settings import Settings, get_settings
from calendary.storage.archive import ArchiveBuilder
from calendary.storage.blobs import BlobStore
from calendary.storage.clients import StorageClients, ensure_storage, storage_clients_from_settings
from calendary.storage.notifications_queue import NotificationQueue
from calendary.storage.tables import GenerationsTable, TrainingsTable


@dataclass
class _LoopBound:
    replicate: ReplicateClient
    fetcher: ImageFetcher
    downloads: httpx.AsyncClient  # Replicate output files: no token, no redirects


@dataclass
class Services:
    settings: Settings
    _per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopBound] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    _webhook_secret: WebhookSecretProvider | None = None
    # Versions' input schemas, plain data shared by every loop's client.
    schemas: SchemaCache = field(default_factory=SchemaCache)

    @cached_property
    def storage(self) -> StorageClients:
        clients = storage_clients_from_settings(self.settings)
        ensure_storage(
            clients,
            container=self.settings.data_container,
            tables=(
                self.settings.trainings_table,
                self.settings.generations_table,
                self.settings.erasures_table,
            ),
            queue=self.settings.notifications_queue,
        )
        return clients

    @cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.storage.blob_service, self.settings.data_container)

    @cached_property
    def archives(self) -> ArchiveBuilder:
        service = self.storage.blob_service
        return ArchiveBuilder(service.get_container_client(self.settings.data_container))

    @cached_property
    def trainings(self) -> TrainingsTable:
        return TrainingsTable(
            self.storage.table_service.get_table_client(self.settings.trainings_table)
        )

    @cached_property
    def generations(self) -> GenerationsTable:
        table = self.storage.table_service.get_table_client(self.settings.generations_table)
        return GenerationsTable(table)

    def table(self, name: str) -> TableClient:
        return self.storage.table_service.get_table_client(name)

    @cached_property
    def notifications(self) -> NotificationQueue:
        return NotificationQueue.from_service(
            self.storage.queue_service, self.settings.notifications_queue
        )

    def _loop_bound(self) -> _LoopBound:
        loop = asyncio.get_running_loop()
        bound = self._per_loop.get(loop)
        if bound is None:
            bound = _LoopBound(
                replicate=ReplicateClient.from_settings(self.settings),
                fetcher=fetcher_from_settings(self.settings),
                downloads=httpx.AsyncClient(timeout=httpx.Timeout(60, connect=10)),
            )
            self._per_loop[loop] = bound
        return bound

    def replicate(self) -> ReplicateClient:
        return self._loop_bound().replicate

    def image_fetcher(self) -> ImageFetcher:
        return self._loop_bound().fetcher

    def downloads(self) -> httpx.AsyncClient:
        return self._loop_bound().downloads

    def webhook_secret(self) -> WebhookSecretProvider:
        if self._webhook_secret is None:
            # Fetched through the client of whichever loop asks first; the secret is plain data.
            self._webhook_secret = WebhookSecretProvider(
                self.settings.replicate_webhook_secret,
                lambda: self.replicate().get_webhook_secret(),
            )
        return self._webhook_secret


log_redaction.redact_httpx_urls()  # httpx logs request URLs: bot tokens, SAS queries

_services: Services | None = None
_lock = threading.Lock()


def services() -> Services:
    """The process-wide services, built on first use from the app settings."""
    global _services
    with _lock:
        if _services is None:
            _services = Services(get_settings())
        return _services


def use_settings(settings: Settings) -> Services:
    """Replace the process-wide services (tests and local tools call this before the app runs)."""
    global _services
    with _lock:
        _services = Services(settings)
        return _services

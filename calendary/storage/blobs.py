"""The blob operations the activities need, on one container."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from calendary.storage import azure_names as az

# The SDK is imported where it is used, so it loads on first use, not when the app is indexed.
if TYPE_CHECKING:
    from azure.storage.blob import (
        BlobServiceClient,
        ContainerClient,
        ContentSettings,
        UserDelegationKey,
    )

_META_REVISION = "revision"
# Starting the SAS a little in the past tolerates clock skew between us and the reader.
_SAS_CLOCK_SKEW = timedelta(minutes=5)


def _content_settings(content_type: str) -> ContentSettings:
    from azure.storage.blob import ContentSettings

    return ContentSettings(content_type=content_type)


class BlobNotFound(LookupError):
    """The named blob does not exist."""


@dataclass(frozen=True)
class BlobInfo:
    name: str
    size: int


class BlobStore:
    """One container. SAS links: account-key SAS with a connection string, user delegation SAS
    with an identity (the account key is then unknown to us)."""

    def __init__(self, service: BlobServiceClient, container: str) -> None:
        self._service = service
        self._container: ContainerClient = service.get_container_client(container)
        self.container = container
        self._delegation_key: UserDelegationKey | None = None
        self._delegation_expiry: datetime | None = None

    def put(
        self,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> bool:
        """Write the blob. With `overwrite=False` an existing blob is kept; returns False then."""
        try:
            self._container.upload_blob(
                name,
                data,
                overwrite=overwrite,
                content_settings=_content_settings(content_type),
            )
        except az.ResourceExistsError:
            if overwrite:
                raise
            return False
        return True

    def put_revision(self, name: str, data: bytes, *, revision: int, content_type: str) -> bool:
        """Write unless the stored blob already holds this or a later `revision` (metadata).

        Concurrent writers are ordered by the blob's ETag: a writer that lost the race gets
        `ResourceModifiedError`/`ResourceExistsError` and should try again. False: a newer copy won.
        """
        blob = self._container.get_blob_client(name)
        try:
            props = blob.get_blob_properties()
        except az.ResourceNotFoundError:
            props = None
        condition: dict[str, object] = {"match_condition": az.MatchConditions.IfMissing}
        if props is not None:
            if int(props.metadata.get(_META_REVISION, "0")) >= revision:
                return False
            condition = {"etag": props.etag, "match_condition": az.MatchConditions.IfNotModified}
        blob.upload_blob(
            data,
            overwrite=True,
            content_settings=_content_settings(content_type),
            metadata={_META_REVISION: str(revision)},
            **condition,
        )
        return True

    def get_bytes(self, name: str) -> bytes:
        try:
            return self._container.download_blob(name).readall()
        except az.ResourceNotFoundError as exc:
            raise BlobNotFound(name) from exc

    def exists(self, name: str) -> bool:
        return self._container.get_blob_client(name).exists()

    def size(self, name: str) -> int:
        try:
            return self._container.get_blob_client(name).get_blob_properties().size
        except az.ResourceNotFoundError as exc:
            raise BlobNotFound(name) from exc

    def list_prefix(self, prefix: str) -> list[BlobInfo]:
        """Blobs under `prefix`, sorted by name."""
        items = self._container.list_blobs(name_starts_with=prefix)
        return sorted((BlobInfo(b.name, b.size) for b in items), key=lambda b: b.name)

    def list_folders(self) -> list[str]:
        """The top-level folders (`{chatId}/`), without the slash; none in a missing container."""
        try:
            items = list(self._container.walk_blobs(delimiter="/"))
        except az.ResourceNotFoundError:
            return []
        return sorted(i.name.rstrip("/") for i in items if i.name.endswith("/"))

    def delete(self, name: str) -> bool:
        """Delete; False when it was already gone (so retries are harmless)."""
        try:
            self._container.delete_blob(name)
        except az.ResourceNotFoundError:
            return False
        return True

    def url(self, name: str) -> str:
        """The plain URL, without any SAS: the form kept in records, index.md and tables."""
        return f"{self._container.url}/{quote(name, safe='/')}"

    def read_sas_url(self, name: str, ttl: timedelta = timedelta(hours=1)) -> str:
        """A read-only link valid for `ttl`. Hand it out, never store or log it."""
        now = datetime.now(UTC)
        start, expiry = now - _SAS_CLOCK_SKEW, now + ttl
        from azure.storage.blob import BlobSasPermissions, generate_blob_sas

        permission = BlobSasPermissions(read=True)
        account_name = self._service.account_name or ""
        key = self._account_key()
        if key is not None:
            token = generate_blob_sas(
                account_name,
                self.container,
                name,
                account_key=key,
                permission=permission,
                start=start,
                expiry=expiry,
            )
        else:
            token = generate_blob_sas(
                account_name,
                self.container,
                name,
                user_delegation_key=self._user_delegation_key(expiry),
                permission=permission,
                start=start,
                expiry=expiry,
            )
        return f"{self.url(name)}?{token}"

    def _account_key(self) -> str | None:
        return getattr(self._service.credential, "account_key", None)

    def _user_delegation_key(self, needed_until: datetime) -> UserDelegationKey:
        # One key serves many links; fetch a new one when it would expire before the link does.
        if self._delegation_key is None or (
            self._delegation_expiry is not None and self._delegation_expiry < needed_until
        ):
            now = datetime.now(UTC)
            # A margin past this link lets the next links reuse the key (at most 7 days long).
            expiry = min(needed_until + timedelta(hours=6), now + timedelta(days=7))
            self._delegation_key = self._service.get_user_delegation_key(
                now - _SAS_CLOCK_SKEW, expiry
            )
            self._delegation_expiry = expiry
        return self._delegation_key

"""Input schemas of model versions, read once per process: a version never changes."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from calendary.replicate.input_schema import InputSchema

if TYPE_CHECKING:
    from calendary.replicate.client import ReplicateClient

TRAINING_INPUT = "TrainingInput"
PREDICTION_INPUT = "Input"


class SchemaCache:
    """`(model, version, schema name)` → the parsed schema. Two callers asking at once may both
    read the version; both get the same answer, so no lock is held across the call."""

    def __init__(self) -> None:
        self._schemas: dict[tuple[str, str, str], InputSchema] = {}
        self._lock = threading.Lock()

    async def get(
        self, client: ReplicateClient, model: str, version: str, name: str
    ) -> InputSchema:
        """Raises the client's errors (transient or permanent) and `SchemaError`."""
        key = (model, version, name)
        with self._lock:
            known = self._schemas.get(key)
        if known is not None:
            return known
        published = await client.get_version(model, version)
        schema = InputSchema.from_openapi(published.openapi_schema, name)
        with self._lock:
            self._schemas[key] = schema
        return schema

    async def trainer(self, client: ReplicateClient) -> InputSchema:
        """The configured trainer version's `TrainingInput`."""
        return await self.get(client, client.trainer_model, client.trainer_version, TRAINING_INPUT)

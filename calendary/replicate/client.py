"""Async typed client for the parts of Replicate's HTTP API the service uses.

One instance per process (it owns an httpx connection pool). Timeouts are always on. Only
idempotent requests (GETs and cancels) are retried here, at most once by default and honouring
Replicate's retry hint: the real retry layer is the caller's (Durable's policy around an
activity, see `orchestrators/policies.py`), and two full layers would multiply (6 x 4 = 24
requests for one check). Creating a model, a training or a prediction is never repeated by the
client, because a lost response may still have started (and billed) the job: the caller decides
after checking what exists.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from calendary.replicate.errors import (
    ReplicateError,
    TransientError,
    TransportError,
    UnexpectedResponseError,
    error_from_response,
)
from calendary.replicate.models import (
    Model,
    ModelVersion,
    Prediction,
    PredictionPage,
    Training,
    TrainingPage,
    VersionPage,
    WebhookEvent,
    WebhookSecret,
)
from calendary.settings import Settings

logger = logging.getLogger("calendary.replicate")

DEFAULT_BASE_URL = "https://api.replicate.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_PREFER_WAIT = 60

_Obj = TypeVar("_Obj", bound=BaseModel)


class RetryPolicy(BaseModel):
    """Retries of idempotent requests: at most `max_retries` more, `budget` seconds waiting.

    The default retries once, so a short 429 `Retry-After` is honoured in place; anything longer
    or repeated goes back to the caller's retry layer (every caller in production has one).
    """

    max_retries: int = 1
    budget: float = 10.0
    backoff: float = 0.5
    max_backoff: float = 8.0

    def delay(self, attempt: int, hint: float | None) -> float:
        if hint is not None:
            return hint
        base = min(self.max_backoff, self.backoff * 2**attempt)
        return base * (0.5 + random.random() / 2)  # jitter keeps parallel callers apart


class ReplicateClient:
    def __init__(
        self,
        *,
        api_key: SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        trainer_model: str,
        trainer_version: str,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not api_key.get_secret_value():
            raise ValueError("ReplicateApiKey is not set")
        if trainer_model.count("/") != 1:
            raise ValueError("ReplicateTrainerModel must be 'owner/name'")
        self.base_url = base_url.rstrip("/")
        self.trainer_model = trainer_model
        self.trainer_version = trainer_version
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers={
                "Authorization": f"Bearer {api_key.get_secret_value()}",
                "Accept": "application/json",
                "User-Agent": "calendary-kaizen",
            },
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any
    ) -> ReplicateClient:
        return cls(
            api_key=settings.replicate_api_key,
            base_url=settings.replicate_base_url,
            trainer_model=settings.replicate_trainer_model,
            trainer_version=settings.replicate_trainer_version,
            transport=transport,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"ReplicateClient(base_url={self.base_url!r}, trainer={self.trainer_model!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ReplicateClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    # Models -------------------------------------------------------------------------------------

    async def create_model(
        self,
        owner: str,
        name: str,
        *,
        visibility: Literal["public", "private"] = "private",
        hardware: str = "cpu",
        description: str | None = None,
    ) -> Model:
        """POST /models (201). A duplicate name raises `ConflictError`."""
        body: dict[str, Any] = {
            "owner": owner,
            "name": name,
            "visibility": visibility,
            "hardware": hardware,
        }
        if description is not None:
            body["description"] = description
        return await self._call(Model, "POST", "models", json=body, idempotent=False)

    async def get_model(self, owner: str, name: str) -> Model:
        return await self._call(Model, "GET", f"models/{_seg(owner)}/{_seg(name)}")

    async def get_version(self, model: str, version_id: str) -> ModelVersion:
        """GET /models/{owner}/{name}/versions/{id}: one version, with its `openapi_schema`."""
        owner, _, name = model.partition("/")
        path = f"models/{_seg(owner)}/{_seg(name)}/versions/{_seg(version_id)}"
        return await self._call(ModelVersion, "GET", path)

    async def list_versions(self, owner: str, name: str, cursor: str | None = None) -> VersionPage:
        """GET /models/{owner}/{name}/versions, newest first; `cursor` is a page's `next`."""
        return await self._call(
            VersionPage,
            "GET",
            self._page_path(f"models/{_seg(owner)}/{_seg(name)}/versions", cursor),
        )

    async def delete_version(self, owner: str, name: str, version_id: str) -> None:
        """DELETE a version of a private model of ours (204); an unknown one raises NotFound."""
        path = f"models/{_seg(owner)}/{_seg(name)}/versions/{_seg(version_id)}"
        await self._send("DELETE", path, None, None, None, idempotent=True)

    async def delete_model(self, owner: str, name: str) -> None:
        """DELETE a private model of ours (204); refused with 409 while it has versions."""
        await self._send(
            "DELETE", f"models/{_seg(owner)}/{_seg(name)}", None, None, None, idempotent=True
        )

    # Trainings ----------------------------------------------------------------------------------

    async def create_training(
        self,
        destination: str,
        input: dict[str, Any],
        *,
        webhook: str | None = None,
        webhook_events_filter: Sequence[WebhookEvent] = ("completed",),
    ) -> Training:
        """Train the configured trainer into `destination` (`owner/name`, which must exist)."""
        owner, name = self.trainer_model.split("/")
        path = f"models/{_seg(owner)}/{_seg(name)}/versions/{_seg(self.trainer_version)}/trainings"
        body: dict[str, Any] = {"destination": destination, "input": input}
        if webhook is not None:
            body["webhook"] = webhook
            body["webhook_events_filter"] = list(webhook_events_filter)
        return await self._call(Training, "POST", path, json=body, idempotent=False)

    async def get_training(self, training_id: str) -> Training:
        return await self._call(Training, "GET", f"trainings/{_seg(training_id)}")

    async def list_trainings(self, cursor: str | None = None) -> TrainingPage:
        """GET /trainings: the account's trainings, newest first. `cursor` is a page's `next`."""
        return await self._call(TrainingPage, "GET", self._page_path("trainings", cursor))

    async def cancel_training(self, training_id: str) -> Training:
        return await self._call(Training, "POST", f"trainings/{_seg(training_id)}/cancel")

    # Predictions --------------------------------------------------------------------------------

    async def create_prediction(
        self,
        version: str,
        input: dict[str, Any],
        *,
        webhook: str | None = None,
        webhook_events_filter: Sequence[WebhookEvent] = ("completed",),
        wait: bool | int = False,
    ) -> Prediction:
        """POST /predictions on a version (`<hash>` or `owner/name:<hash>`).

        `wait` sends `Prefer: wait[=n]`: Replicate holds the request up to n (default 60)
        seconds, but the answer may still be unfinished.
        """
        body: dict[str, Any] = {"version": version, "input": input}
        if webhook is not None:
            body["webhook"] = webhook
            body["webhook_events_filter"] = list(webhook_events_filter)
        headers: dict[str, str] = {}
        timeout: httpx.Timeout | None = None
        if wait:
            seconds = MAX_PREFER_WAIT if wait is True else int(wait)
            if not 1 <= seconds <= MAX_PREFER_WAIT:
                raise ValueError(f"wait must be within 1..{MAX_PREFER_WAIT} seconds")
            headers["Prefer"] = "wait" if wait is True else f"wait={seconds}"
            current = self._http.timeout
            timeout = httpx.Timeout(
                connect=current.connect,
                read=max(current.read or 0.0, seconds + 10.0),
                write=current.write,
                pool=current.pool,
            )
        return await self._call(
            Prediction,
            "POST",
            "predictions",
            json=body,
            headers=headers,
            request_timeout=timeout,
            idempotent=False,
        )

    async def get_prediction(self, prediction_id: str) -> Prediction:
        return await self._call(Prediction, "GET", f"predictions/{_seg(prediction_id)}")

    async def list_predictions(self, cursor: str | None = None) -> PredictionPage:
        """GET /predictions: the account's predictions, newest first (same paging as trainings)."""
        return await self._call(PredictionPage, "GET", self._page_path("predictions", cursor))

    async def cancel_prediction(self, prediction_id: str) -> Prediction:
        return await self._call(Prediction, "POST", f"predictions/{_seg(prediction_id)}/cancel")

    # Webhooks -----------------------------------------------------------------------------------

    async def get_webhook_secret(self) -> SecretStr:
        """The account's default webhook signing secret (`whsec_...`)."""
        secret = await self._call(WebhookSecret, "GET", "webhooks/default/secret")
        return secret.key

    # Plumbing -----------------------------------------------------------------------------------

    def _page_path(self, collection: str, cursor: str | None) -> str:
        """The path of a list page; a cursor must stay on our API, which gets our token."""
        if cursor is None:
            return collection
        prefix = f"{self.base_url}/{collection}"
        if not cursor.startswith(prefix) or cursor[len(prefix) : len(prefix) + 1] not in ("", "?"):
            raise ValueError("cursor is not a page of this API")
        return cursor[len(self.base_url) + 1 :]

    async def _call(
        self,
        result: type[_Obj],
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        request_timeout: httpx.Timeout | None = None,
        idempotent: bool = True,
    ) -> _Obj:
        response = await self._send(method, path, json, headers, request_timeout, idempotent)
        try:
            return result.model_validate_json(response.content)
        except ValidationError as exc:
            raise UnexpectedResponseError(
                f"HTTP {response.status_code}: body is not a {result.__name__} "
                f"({exc.error_count()} validation errors)",
                method=method,
                path=f"/{path}",
                status=response.status_code,
            ) from None

    async def _send(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None,
        headers: dict[str, str] | None,
        request_timeout: httpx.Timeout | None,
        idempotent: bool,
    ) -> httpx.Response:
        waited = 0.0
        attempt = 0
        while True:
            try:
                return await self._attempt(method, path, json, headers, request_timeout)
            except TransientError as exc:
                delay = self.retry.delay(attempt, exc.retry_after)
                if (
                    not idempotent
                    or attempt >= self.retry.max_retries
                    or waited + delay > self.retry.budget
                ):
                    raise
                logger.warning(
                    "replicate %s /%s: %s; retry %d in %.1fs",
                    method,
                    path,
                    type(exc).__name__,
                    attempt + 1,
                    delay,
                )
                await self._sleep(delay)
                waited += delay
                attempt += 1

    async def _attempt(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None,
        headers: dict[str, str] | None,
        request_timeout: httpx.Timeout | None,
    ) -> httpx.Response:
        extra: dict[str, Any] = {}
        if request_timeout is not None:
            extra["timeout"] = request_timeout
        try:
            response = await self._http.request(method, path, json=json, headers=headers, **extra)
        except httpx.TimeoutException as exc:
            raise TransportError(
                f"timed out ({type(exc).__name__})", method=method, path=f"/{path}"
            ) from None
        except httpx.TransportError as exc:
            raise TransportError(
                f"transport failure ({type(exc).__name__})", method=method, path=f"/{path}"
            ) from None
        if response.is_success:
            logger.info("replicate %s /%s -> %d", method, path, response.status_code)
            return response
        error: ReplicateError = error_from_response(response, method=method, path=f"/{path}")
        detail = error.problem.message if error.problem else response.reason_phrase
        logger.info("replicate %s /%s -> %d %s", method, path, response.status_code, detail)
        raise error


def _seg(value: str) -> str:
    """One URL path segment: ids and names never contain '/', so none may change the route."""
    if not value or "/" in value:
        raise ValueError(f"invalid path segment {value!r}")
    return quote(value, safe="")

"""The fake Replicate: state, the `/v1` API, job lifecycles, output delivery and the control API."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import random
import re
import secrets
import tarfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.replicate import problems, schemas
from fakes.replicate.archive import ArchiveError, count_training_images
from fakes.replicate.config import FakeConfig, Schedule
from fakes.replicate.faults import Faults, JobFailure, RequestFault, WebhookFault
from fakes.replicate.images import CONTENT_TYPES, dimensions, render
from fakes.replicate.jobs import ALL_EVENTS, DEFAULT_EVENTS, Job, new_id, new_version_id, timestamp
from fakes.replicate.ledger import Ledger
from fakes.replicate.sender import WebhookSender

logger = logging.getLogger("fakes.replicate")
_PREFER_WAIT = re.compile(r"^wait(?:=([1-9]|[1-5][0-9]|60))?$")
_MODEL_NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
_HARDWARE = [
    {"sku": "cpu", "name": "CPU"},
    {"sku": "gpu-t4", "name": "Nvidia T4 GPU"},
    {"sku": "gpu-a40-large", "name": "Nvidia A40 (Large) GPU"},
    {"sku": "gpu-h100", "name": "Nvidia H100 GPU"},
]
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class _File:
    content: bytes
    content_type: str
    created_at: float


class FakeReplicate:
    """One fake Replicate account: `app` is the ASGI application, the methods steer it."""

    def __init__(self, config: FakeConfig | None = None) -> None:
        self.config = config or FakeConfig()
        self.ledger = Ledger()
        self.faults = Faults()
        self.clock_offset = 0.0
        self._lock = threading.Lock()
        self._models: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, list[dict[str, Any]]] = {}
        self._jobs: dict[str, Job] = {}
        self._files: dict[str, _File] = {}
        self._http_client: httpx.AsyncClient | None = None
        self.sender = WebhookSender(lambda: self.config, self.faults, self.ledger, self._http)
        self._register_trainers()
        self.app = Starlette(
            routes=self._routes(),
            lifespan=self._lifespan,
            exception_handlers={HTTPException: self._http_exception},
        )

    # Steering from tests (thread-safe: the server runs on its own loop) -----------------------

    @property
    def webhook_secret(self) -> str:
        return self.config.webhook_secret

    def fail_requests(self, status: int = 429, **options: Any) -> None:
        """Next matching requests answer `status` (429 carries `Retry-After`); see RequestFault."""
        self.faults.add(RequestFault(status=status, **options))

    def slow_requests(self, delay: float, **options: Any) -> None:
        self.faults.add(RequestFault(delay=delay, **options))

    def webhook_fault(self, mode: str, **options: Any) -> None:
        self.faults.add(WebhookFault(mode=mode, **options))  # type: ignore[arg-type]

    def fail_jobs(self, kind: str = "training", **options: Any) -> None:
        self.faults.add(JobFailure(kind=kind, **options))  # type: ignore[arg-type]

    def clear_faults(self) -> None:
        self.faults.clear()

    def set_schedule(
        self, *, training: Schedule | None = None, prediction: Schedule | None = None
    ) -> None:
        updates: dict[str, Any] = {}
        if training is not None:
            updates["training_schedule"] = training
        if prediction is not None:
            updates["prediction_schedule"] = prediction
        self.config = self.config.model_copy(update=updates)

    def advance_clock(self, seconds: float) -> None:
        """Move the retention clock forward (outputs expire); webhook timestamps stay real."""
        self.clock_offset += seconds

    def training(self, training_id: str) -> dict[str, Any]:
        return self._job(training_id, "training").to_json()

    def prediction(self, prediction_id: str) -> dict[str, Any]:
        job = self._job(prediction_id, "prediction")
        self._expire(job)
        return job.to_json()

    def model(self, owner: str, name: str) -> dict[str, Any]:
        return self._model_json(f"{owner}/{name}")

    def trainings(self) -> list[dict[str, Any]]:
        return [j.to_json() for j in list(self._jobs.values()) if j.kind == "training"]

    def predictions(self) -> list[dict[str, Any]]:
        return [j.to_json() for j in list(self._jobs.values()) if j.kind == "prediction"]

    def reset(self) -> None:
        """Forget faults and the ledger (models and jobs stay, like a real account)."""
        self.faults.clear()
        self.ledger.clear()

    def idle(self) -> bool:
        """Every job has ended and every webhook (with its retries) has been sent or given up."""
        return all(job.terminal for job in list(self._jobs.values())) and not self.sender.busy()

    # Plumbing ---------------------------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            self._http_client = httpx.AsyncClient(trust_env=False)
        return self._http_client

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        yield
        for job in list(self._jobs.values()):
            if job.task is not None and not job.task.done():
                job.task.cancel()
        if self._http_client is not None:
            await self._http_client.aclose()
            self._http_client = None

    def _now(self) -> float:
        return time.time()

    def _retention_now(self) -> float:
        return time.time() + self.clock_offset

    def _job(self, job_id: str, kind: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.kind != kind:
            raise KeyError(job_id)
        return job

    def _register_trainers(self) -> None:
        for full_name, versions in self.config.trainers.items():
            owner, name = full_name.split("/")
            self._models[full_name] = self._new_model(owner, name, "public", "Trains FLUX LoRAs")
            self._versions[full_name] = [
                self._new_version(
                    v, schemas.openapi_schema(schemas.TRAINING_INPUT, "TrainingInput")
                )
                for v in versions
            ]

    def _new_model(self, owner: str, name: str, visibility: str, description: str | None) -> dict:
        return {
            "url": f"https://replicate.com/{owner}/{name}",
            "owner": owner,
            "name": name,
            "description": description,
            "visibility": visibility,
            "github_url": None,
            "paper_url": None,
            "license_url": None,
            "run_count": 0,
            "cover_image_url": None,
            "default_example": None,
        }

    def _new_version(self, version_id: str, openapi: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": version_id,
            "created_at": timestamp(self._now()),
            "cog_version": "0.13.7",
            "openapi_schema": openapi,
        }

    def _model_json(self, full_name: str) -> dict[str, Any]:
        versions = self._versions.get(full_name, [])
        return {**self._models[full_name], "latest_version": versions[-1] if versions else None}

    def _expire(self, job: Job) -> None:
        if (
            job.kind == "prediction"
            and job.completed_at is not None
            and not job.data_removed
            and self._retention_now() - job.completed_at > self.config.output_ttl
        ):
            job.remove_data()

    def _store_file(self, name: str, content: bytes, content_type: str, origin: str) -> str:
        token = secrets.token_urlsafe(16)
        self._files[token] = _File(content, content_type, self._now())
        return f"{origin}/delivery/{token}/{name}"

    # Routing, auth, faults, ledger -----------------------------------------------------------

    def _routes(self) -> list[Route]:
        api = [
            ("GET", "/v1/account", "account", self._account),
            ("GET", "/v1/hardware", "hardware", self._hardware),
            ("POST", "/v1/models", "create_model", self._create_model),
            ("GET", "/v1/models/{owner}/{name}", "get_model", self._get_model),
            ("GET", "/v1/models/{owner}/{name}/versions", "list_versions", self._list_versions),
            ("GET", "/v1/models/{owner}/{name}/versions/{version}", "get_version", self._version),
            (
                "POST",
                "/v1/models/{owner}/{name}/versions/{version}/trainings",
                "create_training",
                self._create_training,
            ),
            ("GET", "/v1/trainings/{id}", "get_training", self._get_training),
            ("POST", "/v1/trainings/{id}/cancel", "cancel_training", self._cancel_training),
            ("POST", "/v1/predictions", "create_prediction", self._create_prediction),
            ("GET", "/v1/predictions/{id}", "get_prediction", self._get_prediction),
            ("POST", "/v1/predictions/{id}/cancel", "cancel_prediction", self._cancel_prediction),
            ("GET", "/v1/webhooks/default/secret", "webhook_secret", self._secret),
        ]
        routes = [
            Route(path, self._guarded(name, handler), methods=[method], name=name)
            for method, path, name, handler in api
        ]
        routes.append(Route("/delivery/{token}/{filename}", self._delivery, methods=["GET"]))
        from fakes.replicate.control import control_routes

        return routes + control_routes(self)

    def _guarded(self, route: str, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            fault = self.faults.take_request(route, request.method)
            entry: dict[str, Any] = {
                "type": "request",
                "route": route,
                "method": request.method,
                "path": request.url.path,
                "fault": None,
            }
            # `after` without a status: the request is served at once, only the answer is late.
            late_answer = fault is not None and fault.after and fault.status is None
            if fault is not None and fault.delay and not late_answer:
                entry["fault"] = "slow"
                await request.body()  # the request arrived whole; only the answer is late
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None and not fault.after:
                response = self._fault_response(fault)
                entry["fault"] = f"status {fault.status}"
            else:
                response = self._authenticate(request) or await handler(request)
                if fault is not None and fault.status is not None:
                    entry["fault"] = f"status {fault.status} after processing"
                    entry["job_id"] = _job_id_of(response)
                    response = self._fault_response(fault)
                elif late_answer and fault is not None:
                    entry["fault"] = "slow answer"
                    await asyncio.sleep(fault.delay)
            entry.setdefault("job_id", _job_id_of(response))
            self.ledger.record(status=response.status_code, **entry)
            return response

        return endpoint

    @staticmethod
    def _fault_response(fault: RequestFault) -> Response:
        if fault.status == 429:
            return problems.throttled(fault.retry_after if fault.retry_after is not None else 1)
        response = problems.server_error(fault.status or 500, fault.detail)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(int(fault.retry_after))
        return response

    def _authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token.strip():
            return problems.unauthenticated(token_given=False)
        if token.strip() not in self.config.tokens:
            return problems.unauthenticated(token_given=True)
        return None

    async def _http_exception(self, _request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return problems.problem(404, "The requested resource could not be found.")
        if status == 405:
            return problems.problem(405, "Method not allowed.")
        return problems.problem(status, "Request failed.")

    # API handlers ----------------------------------------------------------------------------

    async def _account(self, _request: Request) -> Response:
        name = self.config.username
        return JSONResponse({"type": "user", "username": name, "name": name, "github_url": None})

    async def _hardware(self, _request: Request) -> Response:
        return JSONResponse(_HARDWARE)

    async def _create_model(self, request: Request) -> Response:
        body = await _json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        fields = _required_fields(body, ("owner", "name", "visibility", "hardware"))
        if body.get("visibility") not in (None, "public", "private"):
            fields.append(_field("enum", "visibility", 'must be one of "public", "private"'))
        if body.get("hardware") is not None and body["hardware"] not in {
            h["sku"] for h in _HARDWARE
        }:
            fields.append(_field("enum", "hardware", "is not a valid hardware SKU"))
        name = body.get("name")
        if isinstance(name, str) and not _MODEL_NAME.match(name):
            fields.append(
                _field(
                    "invalid",
                    "name",
                    "Model names may only contain lowercase letters, numbers, dashes, underscores, "
                    "or periods, and may not start or end with a dash, underscore, or period.",
                )
            )
        if fields:
            return problems.invalid_input(fields)
        full_name = f"{body['owner']}/{name}"
        with self._lock:
            if full_name in self._models:
                return problems.duplicate_model()
            self._models[full_name] = self._new_model(
                body["owner"], name, body["visibility"], body.get("description")
            )
        return JSONResponse(self._model_json(full_name), status_code=201)

    async def _get_model(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        if full_name not in self._models:
            return problems.not_found()
        return JSONResponse(self._model_json(full_name))

    async def _list_versions(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        if full_name not in self._models:
            return problems.not_found()
        versions = list(reversed(self._versions.get(full_name, [])))
        return JSONResponse({"next": None, "previous": None, "results": versions})

    async def _version(self, request: Request) -> Response:
        full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
        for version in self._versions.get(full_name, []):
            if version["id"] == request.path_params["version"]:
                return JSONResponse(version)
        return problems.not_found()

    async def _secret(self, _request: Request) -> Response:
        return JSONResponse({"key": self.config.webhook_secret})

    async def _create_training(self, request: Request) -> Response:
        trainer = f"{request.path_params['owner']}/{request.path_params['name']}"
        trainer_version = request.path_params["version"]
        if trainer_version not in self.config.trainers.get(trainer, ()):
            return problems.invalid_version()
        body = await _json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        destination = body.get("destination")
        if not isinstance(destination, str) or destination not in self._models:
            return problems.missing_destination()
        fields = schemas.validate(body.get("input"), schemas.TRAINING_INPUT)
        fields += _webhook_problems(body)
        if fields:
            return problems.invalid_input(fields)
        job = self._new_job(request, "training", trainer, trainer_version, body)
        job.destination = destination
        job.task = asyncio.create_task(self._run_training(job))
        return JSONResponse(job.to_json(created=True), status_code=201)

    async def _get_training(self, request: Request) -> Response:
        job = self._jobs.get(request.path_params["id"])
        if job is None or job.kind != "training":
            return problems.not_found()
        return JSONResponse(job.to_json())

    async def _cancel_training(self, request: Request) -> Response:
        return self._cancel(request.path_params["id"], "training")

    async def _create_prediction(self, request: Request) -> Response:
        body = await _json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        reference = body.get("version")
        model = self._trained_model_of(reference) if isinstance(reference, str) else None
        if model is None:
            return problems.invalid_version()
        allowed = {"version", "input", "webhook", "webhook_events_filter", "stream"}
        fields = [
            _field(
                "additional_property_not_allowed",
                "(root)",
                f"Additional property {k} is not allowed",
            )
            for k in body
            if k not in allowed
        ]
        fields += schemas.validate(body.get("input"), schemas.PREDICTION_INPUT)
        fields += _webhook_problems(body)
        if fields:
            return problems.invalid_input(fields)
        version_id = reference.rpartition(":")[2]
        job = self._new_job(request, "prediction", model, version_id, body)
        job.task = asyncio.create_task(self._run_prediction(job))
        headers: dict[str, str] = {}
        prefer = request.headers.get("prefer", "").strip()
        match = _PREFER_WAIT.match(prefer) if prefer else None
        if match:
            seconds = int(match.group(1) or 60)
            headers["Preference-Applied"] = f"wait={seconds}"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(job.done.wait(), timeout=seconds)
            return JSONResponse(job.to_json(), status_code=201, headers=headers)
        return JSONResponse(job.to_json(created=True), status_code=201)

    async def _get_prediction(self, request: Request) -> Response:
        job = self._jobs.get(request.path_params["id"])
        if job is None:
            return problems.not_found()
        self._expire(job)
        return JSONResponse(job.to_json())

    async def _cancel_prediction(self, request: Request) -> Response:
        return self._cancel(request.path_params["id"], "prediction")

    async def _delivery(self, request: Request) -> Response:
        stored = self._files.get(request.path_params["token"])
        expired = (
            stored is not None
            and self._retention_now() - stored.created_at > self.config.output_ttl
        )
        status = 404 if stored is None or expired else 200
        self.ledger.record(
            type="request", route="delivery", method="GET", path=request.url.path, status=status
        )
        if stored is None or expired:
            return problems.not_found()
        return Response(stored.content, media_type=stored.content_type)

    # Lifecycles ------------------------------------------------------------------------------

    def _trained_model_of(self, reference: str) -> str | None:
        model, _, version_id = reference.rpartition(":")
        for full_name, versions in self._versions.items():
            if full_name in self.config.trainers or (model and model != full_name):
                continue
            if any(v["id"] == version_id for v in versions):
                return full_name
        return None

    def _new_job(
        self, request: Request, kind: str, model: str, version: str, body: dict[str, Any]
    ) -> Job:
        events = body.get("webhook_events_filter")
        job = Job(
            kind=kind,  # type: ignore[arg-type]
            id=new_id(),
            origin=f"{request.url.scheme}://{request.url.netloc}",
            model=model,
            version=version,
            input=body.get("input") or {},
            created_at=self._now(),
            webhook=body.get("webhook"),
            events=frozenset(events) if events else DEFAULT_EVENTS,
            reorder_webhooks=self.faults.take_reorder(kind),  # type: ignore[arg-type]
        )
        self._jobs[job.id] = job
        return job

    def _cancel(self, job_id: str, kind: str) -> Response:
        job = self._jobs.get(job_id)
        if job is None or job.kind != kind:
            return problems.not_found()
        if not job.terminal:
            if job.task is not None:
                job.task.cancel()
            job.finish("canceled", self._now())
            job.logs = job.logs or ""
            self.sender.emit(job, "completed")
        return JSONResponse(job.to_json())

    async def _start(self, job: Job, schedule: Schedule, first_log: str) -> None:
        await asyncio.sleep(schedule.starting)
        job.status = "processing"
        job.started_at = self._now()
        job.logs = first_log
        self.sender.emit(job, "start")
        self.sender.emit(job, "logs")

    async def _run_training(self, job: Job) -> None:
        schedule = self.config.training_schedule
        await self._start(job, schedule, "Downloading input_images...\n")
        failure = self.faults.take_job_failure("training")
        error = failure.error if failure is not None else None
        if error is None:
            try:
                count = await count_training_images(
                    self._http(),
                    job.input.get("input_images"),
                    time_limit=self.config.download_timeout,
                    max_bytes=self.config.max_zip_bytes,
                )
                steps = job.input.get("steps", 1000)
                job.logs += f"Found {count} images\nTraining for {steps} steps\n"
            except ArchiveError as exc:
                error = str(exc)
        await asyncio.sleep(schedule.processing)
        if error is not None:
            job.logs += f"Error: {error}\n"
            job.finish("failed", self._now(), error=error)
        else:
            assert job.destination is not None
            version_id = new_version_id()
            weights = self._store_file(
                "trained_model.tar", _weights_tar(job.id), "application/x-tar", job.origin
            )
            version = self._new_version(
                version_id, schemas.openapi_schema(schemas.PREDICTION_INPUT)
            )
            self._versions.setdefault(job.destination, []).append(version)
            job.output = {"version": f"{job.destination}:{version_id}", "weights": weights}
            job.logs += "Training complete\n"
            job.finish("succeeded", self._now())
            self.sender.emit(job, "output")
        self.sender.emit(job, "completed")

    async def _run_prediction(self, job: Job) -> None:
        schedule = self.config.prediction_schedule
        values = schemas.with_defaults(job.input, schemas.PREDICTION_INPUT)
        seed = values.get("seed")
        if seed is None:
            seed = random.randrange(2**16)  # FLUX predictors pick a random seed and print it
        await self._start(job, schedule, f"Using seed: {seed}\n")
        failure = self.faults.take_job_failure("prediction")
        size = dimensions(
            values["aspect_ratio"], values["megapixels"], values.get("width"), values.get("height")
        )
        fmt = values["output_format"]
        images = await asyncio.to_thread(
            lambda: [
                render(values["prompt"], seed, i, size, fmt, values["output_quality"])
                for i in range(values["num_outputs"])
            ]
        )
        await asyncio.sleep(schedule.processing)
        if failure is not None:
            job.logs += f"Error: {failure.error}\n"
            job.finish("failed", self._now(), error=failure.error)
        else:
            job.output = [
                self._store_file(f"out-{i}.{fmt}", image, CONTENT_TYPES[fmt], job.origin)
                for i, image in enumerate(images)
            ]
            job.logs += (
                f"Generated {len(images)} image(s) in {values['num_inference_steps']} steps\n"
            )
            job.finish("succeeded", self._now())
            self.sender.emit(job, "output")
        self.sender.emit(job, "completed")


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _field(kind: str, field: str, description: str) -> dict[str, str]:
    return {"type": kind, "field": field, "description": description}


def _required_fields(body: dict[str, Any], names: tuple[str, ...]) -> list[dict[str, str]]:
    return [_field("required", "(root)", f"{n} is required") for n in names if n not in body]


def _webhook_problems(body: dict[str, Any]) -> list[dict[str, str]]:
    fields: list[dict[str, str]] = []
    webhook = body.get("webhook")
    if webhook is not None and (
        not isinstance(webhook, str) or not webhook.startswith(("http://", "https://"))
    ):
        fields.append(_field("format", "webhook", "Does not match format 'uri'"))
    events = body.get("webhook_events_filter")
    if events is not None and (
        not isinstance(events, list) or not set(events) <= ALL_EVENTS or not events
    ):
        options = ", ".join(f'"{e}"' for e in sorted(ALL_EVENTS))
        fields.append(
            _field(
                "enum", "webhook_events_filter", f"items must be one of the following: {options}"
            )
        )
    return fields


def _job_id_of(response: Response) -> str | None:
    if response.status_code != 201 or not isinstance(response, JSONResponse):
        return None
    match = re.search(rb'"id":"([a-z0-9]{26})"', response.body)
    return match.group(1).decode() if match else None


def _weights_tar(job_id: str) -> bytes:
    buffer = io.BytesIO()
    payload = f"LoRA weights of training {job_id} (fake)\n".encode()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("output/lora.safetensors")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()

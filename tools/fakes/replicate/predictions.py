"""Predictions: `/v1/predictions[...]` (create with `Prefer: wait`, list, get, cancel) and the
prediction run itself.

A run renders real images with Pillow and serves them on `/delivery/`; a finished prediction's
data is dropped after the retention time (see `expiry`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.fakes.replicate import lifecycle, problems, schemas
from tools.fakes.replicate.account import Account
from tools.fakes.replicate.expiry import expire
from tools.fakes.replicate.images import CONTENT_TYPES, dimensions, fitted, render
from tools.fakes.replicate.jobs import Job
from tools.fakes.replicate.models import trained_model_of, version_schema
from tools.fakes.replicate.validation import field, json_body, webhook_problems

PREFER_WAIT = re.compile(r"^wait(?:=([1-9]|[1-5][0-9]|60))?$")
ALLOWED_FIELDS = frozenset({"version", "input", "webhook", "webhook_events_filter", "stream"})


class PredictionApi:
    def __init__(self, account: Account) -> None:
        self.account = account

    async def create(self, request: Request) -> Response:
        body = await json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        reference = body.get("version")
        model = trained_model_of(self.account, reference) if isinstance(reference, str) else None
        if model is None:
            return problems.invalid_version()
        fields = [
            field(
                "additional_property_not_allowed",
                "(root)",
                f"Additional property {k} is not allowed",
            )
            for k in body
            if k not in ALLOWED_FIELDS
        ]
        version_id = reference.rpartition(":")[2]
        openapi = version_schema(self.account, model, version_id)
        assert openapi is not None  # trained_model_of found the version
        fields += schemas.validate(body.get("input"), schemas.input_schema(openapi, "Input"))
        fields += webhook_problems(body)
        if fields:
            return problems.invalid_input(fields)
        job = lifecycle.new_job(self.account, request, "prediction", model, version_id, body)
        job.task = asyncio.create_task(self._run(job))
        headers: dict[str, str] = {}
        prefer = request.headers.get("prefer", "").strip()
        match = PREFER_WAIT.match(prefer) if prefer else None
        if match:
            seconds = int(match.group(1) or 60)
            headers["Preference-Applied"] = f"wait={seconds}"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(job.done.wait(), timeout=seconds)
            return JSONResponse(job.to_json(), status_code=201, headers=headers)
        return JSONResponse(job.to_json(created=True), status_code=201)

    async def list_page(self, request: Request) -> Response:
        for job in self.account.jobs_of("prediction"):
            expire(self.account, job)
        return lifecycle.list_page(self.account, request, "prediction")

    async def get(self, request: Request) -> Response:
        job = self.account.jobs.get(request.path_params["id"])
        if job is None:
            return problems.not_found()
        expire(self.account, job)
        return JSONResponse(job.to_json())

    async def cancel(self, request: Request) -> Response:
        return lifecycle.cancel(self.account, request.path_params["id"], "prediction")

    async def _run(self, job: Job) -> None:
        account = self.account
        schedule = account.config.prediction_schedule
        openapi = version_schema(account, job.model, job.version)
        assert openapi is not None
        values = schemas.with_defaults(job.input, schemas.input_schema(openapi, "Input"))
        seed = values.get("seed")
        if seed is None:
            seed = random.randrange(2**16)  # FLUX predictors pick a random seed and print it
        await lifecycle.start(account, job, schedule, f"Using seed: {seed}\n")
        failure = account.faults.take_job_failure("prediction")
        size = dimensions(
            values["aspect_ratio"], values["megapixels"], values.get("width"), values.get("height")
        )
        fmt = values["output_format"]
        chosen = account.outputs.pick(job.model, values["prompt"], seed)
        images = await asyncio.to_thread(
            lambda: [
                render(values["prompt"], seed, i, size, fmt, values["output_quality"])
                if chosen is None
                else fitted(chosen, size, fmt, values["output_quality"])
                for i in range(values["num_outputs"])
            ]
        )
        await asyncio.sleep(schedule.processing)
        if failure is not None:
            job.logs += f"Error: {failure.error}\n"
            job.finish("failed", account.now(), error=failure.error)
        else:
            job.output = [
                account.files.store(
                    f"out-{i}.{fmt}", image, CONTENT_TYPES[fmt], job.origin, account.now()
                )
                for i, image in enumerate(images)
            ]
            job.logs += (
                f"Generated {len(images)} image(s) in {values['num_inference_steps']} steps\n"
            )
            job.finish("succeeded", account.now())
            account.sender.emit(job, "output")
        account.sender.emit(job, "completed")

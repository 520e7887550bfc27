"""Trainings: `/v1/.../trainings`, `/v1/trainings[/{id}]`, and the training run itself.

A run downloads and counts the `input_images` zip, then registers a new version on the
destination model with a `.tar` of weights on `/delivery/`.
"""

from __future__ import annotations

import asyncio
import io
import tarfile

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tools.fakes.replicate import lifecycle, problems, schemas
from tools.fakes.replicate.account import Account
from tools.fakes.replicate.archive import ArchiveError, count_training_images
from tools.fakes.replicate.jobs import Job, new_version_id
from tools.fakes.replicate.models import new_version, version_schema
from tools.fakes.replicate.published_schemas import PREDICTOR
from tools.fakes.replicate.validation import json_body, webhook_problems


class TrainingApi:
    def __init__(self, account: Account) -> None:
        self.account = account

    async def create(self, request: Request) -> Response:
        trainer = f"{request.path_params['owner']}/{request.path_params['name']}"
        trainer_version = request.path_params["version"]
        if trainer_version not in self.account.config.trainers.get(trainer, ()):
            return problems.invalid_version()
        body = await json_body(request)
        if body is None:
            return problems.problem(400, "Request body must be a JSON object.")
        destination = body.get("destination")
        if not isinstance(destination, str) or destination not in self.account.models:
            return problems.missing_destination()
        openapi = version_schema(self.account, trainer, trainer_version)
        assert openapi is not None  # every configured trainer version is registered
        training_input = schemas.input_schema(openapi, "TrainingInput")
        fields = schemas.validate(body.get("input"), training_input)
        fields += webhook_problems(body)
        if fields:
            return problems.invalid_input(fields)
        job = lifecycle.new_job(self.account, request, "training", trainer, trainer_version, body)
        job.destination = destination
        job.task = asyncio.create_task(self._run(job))
        return JSONResponse(job.to_json(created=True), status_code=201)

    async def list_page(self, request: Request) -> Response:
        return lifecycle.list_page(self.account, request, "training")

    async def get(self, request: Request) -> Response:
        job = self.account.jobs.get(request.path_params["id"])
        if job is None or job.kind != "training":
            return problems.not_found()
        return JSONResponse(job.to_json())

    async def cancel(self, request: Request) -> Response:
        return lifecycle.cancel(self.account, request.path_params["id"], "training")

    async def _train(self, job: Job, seconds: float) -> None:
        """The processing time, spent writing progress lines (a `logs` event each)."""
        lines = self.account.config.progress_lines
        steps = steps_of(job)
        for tick in range(1, lines + 1):
            await asyncio.sleep(seconds / lines)
            step = steps * tick // lines
            job.logs += progress_line(step, steps, seconds * tick / lines)
            self.account.sender.emit(job, "logs")
        if lines == 0:
            await asyncio.sleep(seconds)

    async def _run(self, job: Job) -> None:
        account = self.account
        schedule = account.config.training_schedule
        await lifecycle.start(account, job, schedule, "Downloading input_images...\n")
        failure = account.faults.take_job_failure("training")
        error = failure.error if failure is not None else None
        if error is None:
            try:
                count = await count_training_images(
                    account.http(),
                    job.input.get("input_images"),
                    time_limit=account.config.download_timeout,
                    max_bytes=account.config.max_zip_bytes,
                )
                job.logs += f"Found {count} images\nTraining for {steps_of(job)} steps\n"
            except ArchiveError as exc:
                error = str(exc)
        if error is None:
            await self._train(job, schedule.processing)
        else:
            await asyncio.sleep(schedule.processing)
        if error is not None:
            job.logs += f"Error: {error}\n"
            job.finish("failed", account.now(), error=error)
        else:
            assert job.destination is not None
            version_id = new_version_id()
            weights = account.files.store(
                "trained_model.tar",
                weights_tar(job.id),
                "application/x-tar",
                job.origin,
                account.now(),
            )
            version = new_version(version_id, account.now(), PREDICTOR.openapi())
            account.versions.setdefault(job.destination, []).append(version)
            job.output = {"version": f"{job.destination}:{version_id}", "weights": weights}
            job.logs += "Training complete\n"
            job.finish("succeeded", account.now())
            account.sender.emit(job, "output")
        account.sender.emit(job, "completed")


def steps_of(job: Job) -> int:
    return int(job.input.get("steps", job.input.get("training_steps", 1000)))


def progress_line(step: int, steps: int, elapsed: float) -> str:
    """One line of the trainer's progress bar (ai-toolkit's tqdm bar, named after the job)."""
    percent = step * 100 // steps
    bar = ("█" * (percent // 10)).ljust(10)
    rate = step / elapsed if elapsed > 0 else 0.0
    left = (steps - step) / rate if rate > 0 else 0.0
    return (
        f"flux_train_replicate: {percent:3d}%|{bar}| {step}/{steps} "
        f"[{_clock(elapsed)}<{_clock(left)}, {rate:5.2f}it/s, lr: 4.0e-04 loss: 4.112e-01]\n"
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def weights_tar(job_id: str) -> bytes:
    """A real tar with one small file where a trainer puts its LoRA weights."""
    buffer = io.BytesIO()
    payload = f"LoRA weights of training {job_id} (fake)\n".encode()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("output/lora.safetensors")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()

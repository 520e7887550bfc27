"""`/_fake/...`: steer a running fake over HTTP (no token; the fake only listens on loopback)."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tools.fakes.replicate.config import FakeConfig, Schedule
from tools.fakes.replicate.faults import Faults, JobFailure, RequestFault, WebhookFault
from tools.fakes.replicate.ledger import Ledger


class Steerable(Protocol):
    """What the control routes steer: `FakeReplicate`, named here so the two modules do not
    import each other."""

    faults: Faults
    ledger: Ledger
    config: FakeConfig
    clock_offset: float

    def clear_faults(self) -> None: ...
    def advance_clock(self, seconds: float) -> None: ...
    def reset(self) -> None: ...
    def trainings(self) -> list[dict[str, Any]]: ...
    def predictions(self) -> list[dict[str, Any]]: ...


class ConfigUpdate(BaseModel):
    training_schedule: Schedule | None = None
    prediction_schedule: Schedule | None = None
    output_ttl: float | None = None
    webhook_retry_delays: tuple[float, ...] | None = None


class OutputImage(BaseModel):
    """An image file on the fake's machine that matching predictions output (see `outputs`)."""

    path: str
    model: str | None = None
    prompt: str | None = None
    seed: int | None = None


class ClockAdvance(BaseModel):
    seconds: float


def control_routes(fake: Steerable) -> list[Route]:
    async def parse(request: Request, model: type[BaseModel]) -> BaseModel | Response:
        try:
            return model.model_validate_json(await request.body() or b"{}")
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False)
            return JSONResponse({"error": errors}, status_code=400)

    def adder(model: type[BaseModel]) -> Any:
        async def add(request: Request) -> Response:
            fault = await parse(request, model)
            if isinstance(fault, Response):
                return fault
            fake.faults.add(fault)  # type: ignore[arg-type]
            return JSONResponse(fake.faults.snapshot(), status_code=201)

        return add

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            fake.clear_faults()
        return JSONResponse(fake.faults.snapshot())

    async def ledger(request: Request) -> Response:
        match = {k: v for k, v in request.query_params.items() if k in ("type", "route", "job_id")}
        return JSONResponse([e.model_dump() for e in fake.ledger.entries(**match)])

    async def config(request: Request) -> Response:
        if request.method == "POST":
            update = await parse(request, ConfigUpdate)
            if isinstance(update, Response):
                return update
            values = update.model_dump(exclude_none=True)
            fake.config = fake.config.model_validate({**fake.config.model_dump(), **values})
        return JSONResponse(fake.config.model_dump(mode="json", exclude={"webhook_secret"}))

    async def clock(request: Request) -> Response:
        advance = await parse(request, ClockAdvance)
        if isinstance(advance, Response):
            return advance
        fake.advance_clock(advance.seconds)  # type: ignore[attr-defined]
        return JSONResponse({"offset": fake.clock_offset})

    async def outputs(request: Request) -> Response:
        if request.method == "DELETE":
            fake.clear_output_images()
            return JSONResponse({"cleared": True})
        chosen = await parse(request, OutputImage)
        if isinstance(chosen, Response):
            return chosen
        assert isinstance(chosen, OutputImage)
        try:
            fake.set_output_image(chosen.path, **chosen.model_dump(exclude={"path"}))
        except OSError as exc:
            return JSONResponse({"error": f"cannot read {chosen.path}: {exc}"}, status_code=400)
        return JSONResponse({"added": True}, status_code=201)

    async def reset(_request: Request) -> Response:
        fake.reset()
        return JSONResponse({"reset": True})

    async def jobs(_request: Request) -> Response:
        return JSONResponse({"trainings": fake.trainings(), "predictions": fake.predictions()})

    return [
        Route("/_fake/faults", faults, methods=["GET", "DELETE"]),
        Route("/_fake/faults/requests", adder(RequestFault), methods=["POST"]),
        Route("/_fake/faults/webhooks", adder(WebhookFault), methods=["POST"]),
        Route("/_fake/faults/jobs", adder(JobFailure), methods=["POST"]),
        Route("/_fake/ledger", ledger, methods=["GET"]),
        Route("/_fake/config", config, methods=["GET", "POST"]),
        Route("/_fake/clock", clock, methods=["POST"]),
        Route("/_fake/outputs", outputs, methods=["POST", "DELETE"]),
        Route("/_fake/reset", reset, methods=["POST"]),
        Route("/_fake/jobs", jobs, methods=["GET"]),
    ]

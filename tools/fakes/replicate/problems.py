"""`application/problem+json` answers with the bodies Replicate sends."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, title: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "status": status}
    if title is not None:
        body["title"] = title
    body.update(extra)
    headers = {}
    if extra.get("retry_after") is not None:
        headers["Retry-After"] = str(int(extra["retry_after"]))
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def unauthenticated(token_given: bool) -> JSONResponse:
    detail = (
        "You did not pass a valid authentication token"
        if token_given
        else "You did not pass an authentication token"
    )
    return problem(401, detail, "Unauthenticated")


def not_found() -> JSONResponse:
    return problem(404, "Not found.")


def missing_destination() -> JSONResponse:
    return problem(404, "The specified training destination does not exist")


def duplicate_model() -> JSONResponse:
    return problem(409, "A model with that name and owner already exists.", "Conflict")


def forbidden(detail: str) -> JSONResponse:
    return problem(403, detail, "Forbidden")


def model_has_versions() -> JSONResponse:
    return problem(
        409,
        "Cannot delete a model that has versions. Delete its versions first.",
        "Conflict",
    )


def invalid_version() -> JSONResponse:
    return problem(
        422,
        "The specified version does not exist (or perhaps you don't have permission to use it?)",
        "Invalid version or not permitted",
    )


def invalid_input(fields: list[dict[str, str]]) -> JSONResponse:
    detail = "".join(f"- {f['field']}: {f['description']}\n" for f in fields)
    return problem(422, detail, "Input validation failed", invalid_fields=fields)


def throttled(retry_after: float) -> JSONResponse:
    seconds = max(1, int(retry_after))
    return problem(
        429,
        f"Request was throttled. Your rate limit resets in ~{seconds}s.",
        retry_after=seconds,
    )


def server_error(status: int, detail: str | None = None) -> JSONResponse:
    return problem(status, detail or "Internal server error", "Server error")

"""Checks a live answer against the OpenAPI document: the JSON schema of its route and status."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from api.routes import Route


class Contract:
    """The document's answers per route and status; remembers which ones a test has checked."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.components = _closed(document["components"])
        self.checked: set[tuple[str, int]] = set()

    def schema(self, route: Route, status: int) -> dict[str, Any] | None:
        """The documented body schema; None for a status documented without a body."""
        responses = self.document["paths"]["/" + route.path][route.method.lower()]["responses"]
        assert str(status) in responses, f"{route.name} answered {status}: not in the document"
        content = responses[str(status)].get("content")
        return None if content is None else content["application/json"]["schema"]

    def check(self, route: Route, status: int, content_type: str, body: bytes) -> Any:
        """The parsed body, after it matched its schema (OpenAPI 3.1 schemas: JSON Schema 2020-12,
        their `$ref`s pointing into the document's components)."""
        schema = self.schema(route, status)
        assert schema is not None, f"{route.name} {status} is documented without a body"
        assert content_type.startswith("application/json"), (route.name, status, content_type)
        answer = json.loads(body)
        rooted = {**schema, "components": self.components}
        validator = Draft202012Validator(rooted, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [_describe(e) for error in validator.iter_errors(answer) for e in _causes(error)]
        assert not problems, (
            f"{route.name} {status} does not match its schema: {problems}; {answer}"
        )
        self.checked.add((route.name, status))
        return answer


def _causes(error: ValidationError) -> list[ValidationError]:
    """The innermost errors: an `anyOf` of a model or null fails as a whole, while the model's
    missing field is what to report; a branch's mere type mismatch (not null) is left out."""
    if not error.context:
        return [error]
    inner = [leaf for sub in error.context for leaf in _causes(sub)]
    return [e for e in inner if e.validator != "type"] or inner


def _describe(error: ValidationError) -> str:
    return f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"


def _closed(schema: Any) -> Any:
    """A copy where every object with listed properties admits no others: an answer carrying a
    field the document does not list (as `instanceId` once was) fails too."""
    if isinstance(schema, list):
        return [_closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed

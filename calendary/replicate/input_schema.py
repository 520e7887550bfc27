"""A model version's published input schema, and checks of an input against it.

Every Replicate version publishes its inputs as OpenAPI (`openapi_schema.components.schemas`:
`TrainingInput` for trainers, `Input` for predictors). Cog writes a property per input, with
`type`, `default`, `minimum`/`maximum`, and a choice list as an `allOf` reference to an enum schema
of the same name. A version never changes, so its schema is read once per process.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from calendary.errors import CalendaryError


class SchemaError(CalendaryError, ValueError):
    """The version publishes no usable input schema, or lacks an input the service needs."""


class FieldSpec(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use

    name: str
    type: str | None = None
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None

    def problem(self, value: Any) -> str | None:
        """Why `value` does not fit, naming the allowed values; None when it fits."""
        if self.type and not _has_type(value, self.type):
            return f"must be {_A[self.type]}"
        if self.enum is not None and value not in self.enum:
            return "must be one of " + ", ".join(str(v) for v in self.enum)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        low = numeric and self.minimum is not None and value < self.minimum
        high = numeric and self.maximum is not None and value > self.maximum
        if low or high:
            if self.minimum is not None and self.maximum is not None:
                return f"must be between {_num(self.minimum)} and {_num(self.maximum)}"
            if low:
                return f"must be at least {_num(self.minimum)}"
            return f"must be at most {_num(self.maximum)}"
        return None


class InputSchema(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use

    name: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...] = ()

    @classmethod
    def from_openapi(cls, openapi: dict[str, Any] | None, name: str) -> InputSchema:
        schemas = ((openapi or {}).get("components") or {}).get("schemas") or {}
        schema = schemas.get(name)
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            raise SchemaError(f"the version publishes no {name} schema")
        fields = {
            key: _field(key, spec, schemas)
            for key, spec in schema["properties"].items()
            if isinstance(spec, dict)
        }
        return cls(name=name, fields=fields, required=tuple(schema.get("required") or ()))

    def has(self, name: str) -> bool:
        return name in self.fields

    def first_of(self, *names: str) -> str | None:
        return next((n for n in names if n in self.fields), None)

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Input name → why it is refused: unknown inputs, missing required ones, bad values."""
        found: dict[str, str] = {}
        for name in self.required:
            if name not in values:
                found[name] = "is required"
        for name, value in values.items():
            spec = self.fields.get(name)
            if spec is None:
                found[name] = "is not an input of this model"
            elif (problem := spec.problem(value)) is not None:
                found[name] = problem
        return found


_A = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _has_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    checks = {
        "integer": lambda v: isinstance(v, int) or (isinstance(v, float) and v.is_integer()),
        "number": lambda v: isinstance(v, int | float),
        "string": lambda v: isinstance(v, str),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "boolean": lambda _: False,  # a bool returned above
    }
    check = checks.get(kind)
    return check(value) if check else True


def _field(name: str, spec: dict[str, Any], schemas: dict[str, Any]) -> FieldSpec:
    merged = {k: v for k, v in spec.items() if k != "allOf"}
    for part in spec.get("allOf") or ():
        ref = part.get("$ref", "") if isinstance(part, dict) else ""
        target = schemas.get(ref.rsplit("/", 1)[-1]) if ref else part
        if isinstance(target, dict):
            merged = {**target, **merged}
    enum = merged.get("enum")
    return FieldSpec(
        name=name,
        type=merged.get("type"),
        enum=tuple(enum) if isinstance(enum, list) else None,
        minimum=merged.get("minimum"),
        maximum=merged.get("maximum"),
        default=merged.get("default"),
    )

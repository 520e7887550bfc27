"""A validator for the input schemas a version publishes (`published_schemas`).

Errors follow the 422 body Replicate returns (`invalid_fields` with `type`, `field`,
`description`); an enum is resolved through its `allOf` reference, as Cog writes it.
"""

from __future__ import annotations

from typing import Any


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matches_type(value: Any, expected: str) -> bool:
    given = _type_name(value)
    if expected == "number":
        return given in ("integer", "number")
    if expected == "integer":
        return given == "integer" or (given == "number" and float(value).is_integer())
    return given == expected


def resolved(spec: dict[str, Any], openapi: dict[str, Any]) -> dict[str, Any]:
    """A property with its `allOf: [{$ref}]` enum merged in."""
    merged = {k: v for k, v in spec.items() if k != "allOf"}
    components = openapi["components"]["schemas"]
    for part in spec.get("allOf", []):
        ref = part.get("$ref", "")
        merged = {**components[ref.rsplit("/", 1)[1]], **merged} if ref else {**part, **merged}
    return merged


def input_schema(openapi: dict[str, Any], name: str) -> dict[str, Any]:
    """The named input schema with every property resolved."""
    schema = openapi["components"]["schemas"][name]
    properties = {k: resolved(v, openapi) for k, v in schema["properties"].items()}
    return {**schema, "properties": properties}


def validate(value: Any, schema: dict[str, Any], root: str = "input") -> list[dict[str, str]]:
    """Problems of `value` against a resolved flat object schema, as `invalid_fields`."""
    if not isinstance(value, dict):
        given = _type_name(value)
        text = f"Invalid type. Expected: object, given: {given}"
        return [{"type": "invalid_type", "field": root, "description": text}]
    problems: list[dict[str, str]] = []
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            problems.append(
                {"type": "required", "field": root, "description": f"{name} is required"}
            )
    for name, item in value.items():
        spec = properties.get(name)
        if spec is None:
            if schema.get("additionalProperties", True) is False:
                problems.append(
                    {
                        "type": "additional_property_not_allowed",
                        "field": root,
                        "description": f"Additional property {name} is not allowed",
                    }
                )
            continue
        problems.extend(_check(item, spec, f"{root}.{name}", name))
    return problems


def _check(item: Any, spec: dict[str, Any], field: str, name: str) -> list[dict[str, str]]:
    expected = spec.get("type")
    if expected and not _matches_type(item, expected):
        text = f"Invalid type. Expected: {expected}, given: {_type_name(item)}"
        return [{"type": "invalid_type", "field": field, "description": text}]
    if "enum" in spec and item not in spec["enum"]:
        options = ", ".join(f'"{option}"' for option in spec["enum"])
        text = f"{name} must be one of the following: {options}"
        return [{"type": "enum", "field": field, "description": text}]
    if "minimum" in spec and item < spec["minimum"]:
        text = f"Must be greater than or equal to {spec['minimum']}"
        return [{"type": "number_gte", "field": field, "description": text}]
    if "maximum" in spec and item > spec["maximum"]:
        text = f"Must be less than or equal to {spec['maximum']}"
        return [{"type": "number_lte", "field": field, "description": text}]
    return []


def with_defaults(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    defaults = {
        name: spec["default"] for name, spec in schema["properties"].items() if "default" in spec
    }
    return {**defaults, **value}

"""The OpenAPI document: valid 3.1, complete, served by the app and equal to docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

import azure.functions as func
from openapi_spec_validator import validate

from api import openapi_spec, routes
from calendary.domain.responses import CreateAndTrainModelData, UploadedImage, envelope
from devhost.loader import app_functions
from function_app import app

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"


def _function(name: str):
    for fn in app_functions(app):
        if fn.get_function_name() == name:
            return fn
    raise AssertionError(f"function {name} is not registered in function_app.py")


def test_document_is_valid_openapi_3_1() -> None:
    document = openapi_spec.build()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_committed_file_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_spec.render(), (
        "docs/openapi.json is stale: run `make openapi`"
    )


def test_served_document_equals_committed_file() -> None:
    fn = _function("openapi_document")
    trigger = next(b for b in fn.get_bindings() if b.type == "httpTrigger")
    assert trigger.route == routes.OPENAPI.path
    assert trigger.auth_level == func.AuthLevel.ANONYMOUS
    request = func.HttpRequest("GET", "/api/openapi.json", body=b"", headers={})
    response = fn.get_user_function()(request)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_body()) == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_route_is_documented_with_its_method_and_security() -> None:
    paths = openapi_spec.build()["paths"]
    for route in routes.ALL:
        operation = paths["/" + route.path][route.method.lower()]
        assert operation["operationId"] == route.name
        if route.anonymous:
            assert operation["security"] == []
        else:
            assert "security" not in operation  # inherits the function-key schemes
            assert "401" in operation["responses"]


def test_request_bodies_list_the_request_models_aliases() -> None:
    document = openapi_spec.build()
    schemas = document["components"]["schemas"]
    for route in routes.ALL:
        if route.request is None:
            continue
        ref = document["paths"]["/" + route.path]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]["$ref"]
        properties = schemas[ref.rsplit("/", 1)[1]]["properties"]
        aliases = {f.alias or name for name, f in route.request.model_fields.items()}
        assert set(properties) == aliases


def test_path_parameters_are_declared() -> None:
    operation = openapi_spec.build()["paths"]["/chats/{userId}/status"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["userId"]
    assert operation["parameters"][0]["in"] == "path"


def test_security_schemes_are_the_function_key_header_and_code_query() -> None:
    schemes = openapi_spec.build()["components"]["securitySchemes"]
    assert {(s["in"], s["name"]) for s in schemes.values()} == {
        ("header", "x-functions-key"),
        ("query", "code"),
    }


def test_responses_serialize_camel_case_matching_the_schema() -> None:
    data = CreateAndTrainModelData(
        training_id="t1", model_id="o/telegram_flux_1_1", status="starting", instance_id="i1"
    )
    body = envelope(data)
    assert body == {
        "success": True,
        "data": {
            "trainingId": "t1",
            "modelId": "o/telegram_flux_1_1",
            "status": "starting",
            "instanceId": "i1",
        },
        "error": None,
    }
    schema = openapi_spec.build()["components"]["schemas"]["UploadedImage"]
    assert set(schema["properties"]) == set(
        UploadedImage(file_name="a.jpg", size_bytes=1, url="u").model_dump(by_alias=True)
    )

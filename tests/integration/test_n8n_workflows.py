"""Static validation of the shipped N8N workflows in docs/n8n/ against the service's API.

Target release: n8n 2.8.4, the one `tools/n8n` pins and the loop test (`tests/n8n/`) runs. The
table below lists, per node type, the typeVersions that release ships (read from its
`n8n-nodes-base/dist/types/nodes.json`); a file using anything else would not load there, so it
fails here first.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from api import routes
from calendary.domain.responses import PhotoVerdict, TrainingRefusedData

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / "docs" / "n8n").glob("*.json"))
N8N_RELEASE = "2.8.4"
ALLOWED_NODE_VERSIONS: dict[str, set[float]] = {
    "n8n-nodes-base.telegramTrigger": {1, 1.1, 1.2},
    "n8n-nodes-base.telegram": {1, 1.1, 1.2},
    "n8n-nodes-base.httpRequest": {1, 2, 3, 4, 4.1, 4.2, 4.3, 4.4},
    "n8n-nodes-base.webhook": {1, 1.1, 2, 2.1},
    "n8n-nodes-base.respondToWebhook": {1, 1.1, 1.2, 1.3, 1.4, 1.5},
    "n8n-nodes-base.if": {1, 2, 2.1, 2.2, 2.3},
    "n8n-nodes-base.switch": {1, 2, 3, 3.1, 3.2, 3.3, 3.4},
    "n8n-nodes-base.set": {1, 2, 3, 3.1, 3.2, 3.3, 3.4},
    "n8n-nodes-base.wait": {1, 1.1},
    "n8n-nodes-base.executeWorkflow": {1, 1.1, 1.2, 1.3},
    "n8n-nodes-base.executeWorkflowTrigger": {1, 1.1},
    "n8n-nodes-base.stopAndError": {1},
    "n8n-nodes-base.noOp": {1},
}
SECRET_PATTERNS = {
    "Telegram bot token": re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}"),
    "bot token in a file URL": re.compile(r"bot\d+:"),
    "function key in a query": re.compile(r"[?&]code=[^&\"{\s]+"),
    "Replicate token": re.compile(r"r8_[A-Za-z0-9]{8,}"),
    "webhook secret": re.compile(r"whsec_[A-Za-z0-9+/=]{8,}"),
    "SAS signature": re.compile(r"[?&]sig=", re.IGNORECASE),
    "storage key": re.compile(r"AccountKey=|SharedAccessSignature=", re.IGNORECASE),
}
EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _http_nodes(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    """The HTTP nodes: each calls a route of the service, the status poller's included."""
    return [n for n in workflow["nodes"] if n["type"] == "n8n-nodes-base.httpRequest"]


def _route_for(url: str) -> routes.Route:
    """The route an HTTP node calls: the path after /api/, with {{ expressions }} as parameters."""
    match = re.search(r"/api/(.*)$", url)
    assert match, f"URL does not call the service's /api: {url}"
    path = EXPRESSION.sub("{}", match.group(1)).split("?", 1)[0]
    for route in routes.ALL:
        if re.sub(r"\{[^}]+\}", "{}", route.path) == path:
            return route
    raise AssertionError(f"no route for /api/{path}")


def body_template_keys(template: str) -> Any:
    """Parse an N8N JSON body template: expressions become placeholders so the shape remains."""
    text, out, in_string, i = template.removeprefix("="), [], False, 0
    while i < len(text):
        if text.startswith("{{", i):  # inside a string: text; bare: a value (number, stringify)
            out.append("x" if in_string else "0")
            i = text.index("}}", i) + 2
            continue
        if in_string and text[i] == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == '"':
            in_string = not in_string
        out.append(text[i])
        i += 1
    return json.loads("".join(out))


def unknown_fields(body: Any, model: type[BaseModel], where: str = "") -> list[str]:
    """Keys of body (recursively, into lists of models) that are not field aliases of model."""
    assert isinstance(body, dict), f"{where or 'body'} must be a JSON object"
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    problems = [f"{where}{key}" for key in body if key not in fields]
    for key, value in body.items():
        if key not in fields or not isinstance(value, list):
            continue
        for item_type in typing.get_args(fields[key].annotation):
            if isinstance(item_type, type) and issubclass(item_type, BaseModel):
                for index, item in enumerate(value):
                    problems += unknown_fields(item, item_type, f"{where}{key}[{index}].")
    return problems


def test_there_are_the_three_workflows() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "telegram-inbound.json",
        "telegram-notify.json",
        "status-poll.json",
    }


def test_every_file_carries_the_same_tag_with_a_fixed_id() -> None:
    # Without an id, `n8n import:workflow --separate` creates the tag once per file and fails
    # on the second with `UNIQUE constraint failed: tag_entity.name`.
    assert {json.dumps(_load(p)["tags"]) for p in WORKFLOWS} == {
        json.dumps([{"id": "CalendaryKaizenTag", "name": "calendary-kaizen"}])
    }


def test_sub_workflow_calls_name_the_shipped_poller() -> None:
    poller = _load(ROOT / "docs" / "n8n" / "status-poll.json")
    calls = [
        n
        for p in WORKFLOWS
        for n in _load(p)["nodes"]
        if n["type"] == "n8n-nodes-base.executeWorkflow"
    ]
    assert calls, "the inbound workflow follows status URLs through the poller"
    assert {n["parameters"]["workflowId"]["value"] for n in calls} == {poller["id"]}
    # It builds the service's own status route from the instance id, on the configured origin:
    # never a URL out of an answer (Durable's carry the system key; any would get the key).
    [reader] = _http_nodes(poller)
    assert _route_for(reader["parameters"]["url"]) is routes.INSTANCE_STATUS
    assert reader["parameters"]["url"].startswith("=http://127.0.0.1:7071/api/instances/{{")
    [follow] = [
        n
        for n in _load(ROOT / "docs/n8n/telegram-inbound.json")["nodes"]
        if n["name"] == "Instance id"
    ]
    [passed] = follow["parameters"]["assignments"]["assignments"]
    assert (passed["name"], passed["value"]) == ("instanceId", "={{ $json.body.data.id }}")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_structure(path: Path) -> None:
    workflow = _load(path)
    names = [n["name"] for n in workflow["nodes"]]
    assert len(names) == len(set(names)), "node names must be unique"
    ids = [n["id"] for n in workflow["nodes"]]
    assert len(ids) == len(set(ids)), "node ids must be unique"
    assert workflow["settings"]["executionOrder"] == "v1"
    assert not workflow.get("pinData"), "pinned data could carry real messages or URLs"
    for source, outputs in workflow["connections"].items():
        assert source in names, f"connection from unknown node {source}"
        for output in outputs["main"]:
            for target in output:
                assert target["node"] in names, f"{source} connects to unknown {target['node']}"
    connected = set(workflow["connections"]) | {
        t["node"] for o in workflow["connections"].values() for out in o["main"] for t in out
    }
    assert set(names) <= connected, f"unconnected nodes: {set(names) - connected}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_node_types_and_versions_exist_in_the_target_release(path: Path) -> None:
    for node in _load(path)["nodes"]:
        allowed = ALLOWED_NODE_VERSIONS.get(node["type"])
        assert allowed is not None, f"{node['name']}: {node['type']} not allowed"
        assert node["typeVersion"] in allowed, (
            f"{node['name']}: {node['type']} v{node['typeVersion']} is not in n8n {N8N_RELEASE}"
        )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_secrets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, pattern in SECRET_PATTERNS.items():
        assert not pattern.search(text), f"{what} in {path.name}"
    for node in _load(path)["nodes"]:
        for credential in node.get("credentials", {}).values():
            assert credential["id"].startswith("REPLACE_WITH_"), node["name"]
        headers = node["parameters"].get("headerParameters", {}).get("parameters", [])
        assert all(h["name"].lower() != "x-functions-key" for h in headers), node["name"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_http_nodes_call_real_routes_with_real_fields(path: Path) -> None:
    for node in _http_nodes(_load(path)):
        params = node["parameters"]
        route = _route_for(params["url"])
        assert params.get("method", "GET") == route.method, node["name"]
        if not route.anonymous:  # the function key comes from a Header Auth credential
            assert params["authentication"] == "genericCredentialType", node["name"]
            assert params["genericAuthType"] == "httpHeaderAuth", node["name"]
            assert "httpHeaderAuth" in node["credentials"], node["name"]
        if route.request is None:
            assert not params.get("sendBody"), f"{node['name']}: {route.name} takes no body"
            continue
        assert params["specifyBody"] == "json", node["name"]
        body = body_template_keys(params["jsonBody"])
        assert unknown_fields(body, route.request) == [], node["name"]
        required = {
            f.alias or name for name, f in route.request.model_fields.items() if f.is_required()
        }
        assert required <= set(body), f"{node['name']}: missing {required - set(body)}"


def test_every_service_route_n8n_needs_is_covered() -> None:
    used = {
        _route_for(n["parameters"]["url"]).name for p in WORKFLOWS for n in _http_nodes(_load(p))
    }
    assert used == {
        "UploadImages",
        "CreateAndTrainModel",
        "GenerateImage",
        "ChatStatus",
        "EraseChat",
        "InstanceStatus",
    }


def test_the_field_checker_catches_wrong_names() -> None:
    body = body_template_keys(
        '={"userId": {{ $json.id }}, "imageUrl": "{{ $json.u }}", '
        '"images": [{"url": "https://x/{{ $json.p }}", "source": "{{ $json.s }}"}]}'
    )
    assert unknown_fields(body, routes.UPLOAD_IMAGES.request) == ["imageUrl", "images[0].source"]


def test_inbound_takes_the_largest_photo_and_image_documents() -> None:
    workflow = _load(ROOT / "docs" / "n8n" / "telegram-inbound.json")
    text = json.dumps(workflow)
    assert "message.photo[$json.message.photo.length - 1].file_id" in text
    assert "message.document.mime_type" in text
    # Photos are named by Telegram file path; the service adds the token, so it never is in
    # n8n's execution data, and no expression reads n8n's environment (blocked in 2.x).
    assert "telegramFilePath" in text
    assert "$env" not in text
    assert "/file/bot" not in text


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_telegram_text_is_sent_as_escaped_html(path: Path) -> None:
    # Without parse_mode the node sends Markdown, which ids like `owner/telegram_flux_1` break.
    for node in _load(path)["nodes"]:
        params = node["parameters"]
        if node["type"] == "n8n-nodes-base.telegram" and params.get("operation") == "sendMessage":
            assert params["additionalFields"]["parse_mode"] == "HTML", node["name"]
            assert params["additionalFields"]["appendAttribution"] is False, node["name"]
            if "{{" in params["text"]:
                assert "'&lt;'" in params["text"], node["name"]


def test_forget_asks_first_and_erases_only_when_confirmed() -> None:
    workflow = _load(ROOT / "docs" / "n8n" / "telegram-inbound.json")
    rules = next(n for n in workflow["nodes"] if n["name"] == "Route message")["parameters"]
    patterns = {
        r["outputKey"]: r["conditions"]["conditions"][0]["rightValue"]
        for r in rules["rules"]["values"]
    }
    assert re.match(patterns["forget_confirmed"], "/forget yes")
    assert not re.match(patterns["forget_confirmed"], "/forget")
    erase = next(n for n in workflow["nodes"] if n["name"] == "Erase chat")
    assert erase["parameters"]["method"] == "DELETE"
    assert _route_for(erase["parameters"]["url"]) is routes.ERASE_CHAT


def test_a_training_refused_by_the_photo_checks_names_the_photos_to_replace() -> None:
    inbound = _load(ROOT / "docs" / "n8n" / "telegram-inbound.json")
    (reply,) = [n for n in inbound["nodes"] if n["name"] == "Reply training refused"]
    text = reply["parameters"]["text"]
    refusal = {f.alias or name for name, f in TrainingRefusedData.model_fields.items()}
    photo = {f.alias or name for name, f in PhotoVerdict.model_fields.items()}
    used = set(re.findall(r"\$json\.body\.data\.(\w+)", text))
    assert used == {"passing", "minimum", "replace"} <= refusal
    assert {"fileName", "reasons"} <= set(re.findall(r"\bp\.(\w+)", text)) <= photo

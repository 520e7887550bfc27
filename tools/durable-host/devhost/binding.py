"""The durable client binding JSON handed to HTTP functions (durable-protocol.md §4.1)."""

from __future__ import annotations

import json
import os

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
CONNECTION = "Storage"
# In Azure the extension appends its system key to every link it builds (HttpApiHandler
# GetClientResponseLinks); so does this host, so an app that hands the links on shows it locally.
SYSTEM_KEY_VARIABLE = "DEVHOST_SYSTEM_KEY"
DEFAULT_SYSTEM_KEY = "devhost-local-system-key"


def system_key() -> str:
    return os.environ.get(SYSTEM_KEY_VARIABLE) or DEFAULT_SYSTEM_KEY


def client_binding(origin: str, hub: str, rpc_origin: str | None = None) -> str:
    """`origin`: what the caller used to reach this host; `rpc_origin`: its own listening socket.

    The SDK sends every client call to rpcBaseUrl, which here is the same public webhook API.
    """
    base = f"{origin}{WEBHOOK_PATH}"
    start = f"{base}/orchestrators/{{functionName}}[/{{instanceId}}]"
    code = f"code={system_key()}"
    query = f"taskHub={hub}&connection={CONNECTION}&{code}"
    instance = f"{base}/instances/INSTANCEID"
    return json.dumps(
        {
            "taskHubName": hub,
            "creationUrls": {
                "createNewInstancePostUri": f"{start}?{code}",
                "createAndWaitOnNewInstancePostUri": (
                    f"{start}?timeout={{timeoutInSeconds}}&pollingInterval={{intervalInSeconds}}&{code}"
                ),
            },
            "managementUrls": management_urls(instance, query) | {"id": "INSTANCEID"},
            "baseUrl": base,
            "requiredQueryStringParameters": code,
            "rpcBaseUrl": f"{rpc_origin or origin}{WEBHOOK_PATH}/",
        }
    )


def management_urls(instance: str, query: str) -> dict[str, str]:
    """The extension's set, less rewindPostUri: this host cannot rewind (it answers 501)."""
    return {
        "statusQueryGetUri": f"{instance}?{query}",
        "sendEventPostUri": f"{instance}/raiseEvent/{{eventName}}?{query}",
        "terminatePostUri": f"{instance}/terminate?reason={{text}}&{query}",
        "purgeHistoryDeleteUri": f"{instance}?{query}",
        "restartPostUri": f"{instance}/restart?{query}",
        "suspendPostUri": f"{instance}/suspend?reason={{text}}&{query}",
        "resumePostUri": f"{instance}/resume?reason={{text}}&{query}",
    }


def check_status_payload(origin: str, hub: str, instance_id: str) -> dict[str, str]:
    query = f"taskHub={hub}&connection={CONNECTION}&code={system_key()}"
    urls = management_urls(f"{origin}{WEBHOOK_PATH}/instances/{instance_id}", query)
    return {"id": instance_id, **urls}

"""The durable client binding JSON handed to HTTP functions (durable-protocol.md §4.1)."""

from __future__ import annotations

import json

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
CONNECTION = "Storage"


def client_binding(origin: str, hub: str, rpc_origin: str | None = None) -> str:
    """`origin`: what the caller used to reach this host; `rpc_origin`: its own listening socket.

    The SDK sends every client call to rpcBaseUrl, which here is the same public webhook API.
    """
    base = f"{origin}{WEBHOOK_PATH}"
    start = f"{base}/orchestrators/{{functionName}}[/{{instanceId}}]"
    query = f"taskHub={hub}&connection={CONNECTION}"
    instance = f"{base}/instances/INSTANCEID"
    return json.dumps(
        {
            "taskHubName": hub,
            "creationUrls": {
                "createNewInstancePostUri": f"{start}?",
                "createAndWaitOnNewInstancePostUri": (
                    f"{start}?timeout={{timeoutInSeconds}}&pollingInterval={{intervalInSeconds}}"
                ),
            },
            "managementUrls": management_urls(instance, query) | {"id": "INSTANCEID"},
            "baseUrl": base,
            "requiredQueryStringParameters": "",
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
    urls = management_urls(
        f"{origin}{WEBHOOK_PATH}/instances/{instance_id}", f"taskHub={hub}&connection={CONNECTION}"
    )
    return {"id": instance_id, **urls}

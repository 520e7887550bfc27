"""The durable client binding JSON handed to HTTP functions (durable-protocol.md §4.1)."""

from __future__ import annotations

import json

# In Azure the extension appends its system key to every link it builds (HttpApiHandler
# GetClientResponseLinks); so does this host, so an app that hands the links on shows it locally.
from devhost.keys import DEFAULT_SYSTEM_KEY, SYSTEM_KEY_VARIABLE, system_key

__all__ = ["DEFAULT_SYSTEM_KEY", "SYSTEM_KEY_VARIABLE", "client_binding", "system_key"]

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
# The SDK's client calls go to rpcBaseUrl. In Azure that is the extension's own listener on
# loopback (http://127.0.0.1:17071/durabletask/), which asks for no key; here the same API is
# served under this path too, to loopback callers only (see key_gate.py).
RPC_PATH = "/durabletask"
CONNECTION = "Storage"


def client_binding(origin: str, hub: str, rpc_origin: str | None = None) -> str:
    """`origin`: what the caller used to reach this host; `rpc_origin`: its own listening socket.

    The SDK sends every client call to rpcBaseUrl: the same API, keyless, for loopback callers.
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
            "rpcBaseUrl": f"{rpc_origin or origin}{RPC_PATH}/",
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

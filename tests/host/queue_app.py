"""A function app with one queue trigger, for the local host's queue support (tests only)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
received: list[tuple[str, int]] = []


@app.queue_trigger(
    arg_name="msg", queue_name="%DEVHOST_TEST_QUEUE%", connection="AzureWebJobsStorage"
)
def consume(msg: func.QueueMessage) -> None:
    text = msg.get_body().decode()
    received.append((text, msg.dequeue_count))
    if text.startswith("fail"):
        raise RuntimeError(f"cannot handle {text}")

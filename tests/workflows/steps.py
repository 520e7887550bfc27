"""Small answers the workflow tests give again and again: the chat entity's, index.md's."""

from __future__ import annotations

from typing import Any

from tests.workflows.replay import Replay, Work

CHAT = "100200300"


def labels(works: list[Work]) -> list[str]:
    return [w.label for w in works]


def only(works: list[Work], label: str) -> Work:
    """The run scheduled exactly this one thing."""
    assert labels(works) == [label], labels(works)
    return works[0]


def analysis(faces: int = 1, issues: tuple[str, ...] = ()) -> dict[str, Any]:
    """A photo's analysis as the chat record keeps it; `no_face` is a rejecting issue."""
    return {"width": 1024, "height": 1024, "faces": faces, "face_ratio": 0.2, "sharpness": 200.0,
            "brightness": 0.5, "issues": list(issues)}  # fmt: skip


def chat_outcome(result: Any, state: dict[str, Any] | None = None, revision: int = 1) -> Any:
    """What a chat-entity operation answers: its result, the record it left, its revision."""
    return {"result": result, "state": state or {"chat_id": CHAT}, "revision": revision}


def chat_read(state: dict[str, Any] | None, revision: int = 1) -> Any:
    """What `get` answers: the record as its result and as its state (an entity without a
    record answers no state)."""
    return {"result": state or {"chat_id": CHAT}, "state": state, "revision": revision}


def change_chat(
    run: Replay, call: Work, result: Any, state: dict[str, Any] | None = None
) -> list[Work]:
    """Answer a chat change; the record it left goes to index.md; what the code does next."""
    run.answer(call, chat_outcome(result, state))
    page = only(run.run(), "activity write_index")
    assert page.input == {"chat_id": CHAT, "state": state or {"chat_id": CHAT}, "revision": 1}
    run.complete(page, None)
    return run.run()


def outwait(run: Replay, waiting: list[Work], check: str, job_id: str, checks: int) -> Work:
    """Every timer of the wait fires and every check finds the job running: the cancel call."""
    for _ in range(checks):
        run.fire(next(w for w in waiting if w.kind == "timer"))
        run.complete(only(run.run(), f"activity {check}"), {"id": job_id, "status": "processing"})
        waiting = run.run()
    return waiting[0]


def notified(work: Work) -> tuple[str, dict[str, Any]]:
    """A send_notification call: its message type and details."""
    assert work.label == "activity send_notification"
    return work.input["message_type"], work.input["details"]


def storage_gives_up(run: Replay, work: Work) -> None:
    """Every attempt the storage policy allows fails: nothing else runs and the instance fails
    (no orchestrator catches a storage step's failure)."""
    assert work.max_attempts == 10  # policies.STORAGE
    run.exhaust(work)
    assert run.run() == []
    assert not run.done and "boom" in (run.error or "")


def upload_given_up(run: Replay, works: list[Work], leftovers: list[str], error: str) -> None:
    """What an upload does once a step failed past its retries: it deletes `leftovers` (the
    source URLs among them), tells the user, and fails with the step's error."""
    cleanup = only(works, "activity delete_blobs")
    assert cleanup.input == {"blob_names": leftovers}
    run.complete(cleanup, None)
    message = only(run.run(), "activity send_notification")
    assert notified(message) == ("upload_failed", {"instance_id": run.instance_id})
    run.complete(message, None)
    assert run.run() == []
    assert not run.done and error in (run.error or "")

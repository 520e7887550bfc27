"""DELETE /api/chats/{userId}: after an erase nothing with the chat id remains anywhere."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from calendary.domain.erasure import chat_hash
from tests.e2e.stack import Stack
from tools.fakes.replicate.config import Schedule

PROMPT = "a photo of TOK person at the lighthouse"


def erase(stack: Stack, chat_id: str) -> dict[str, Any]:
    response = stack.http.delete(f"{stack.host.base_url}/api/chats/{chat_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def instances(stack: Stack) -> list[dict[str, Any]]:
    """Every instance with its input, history and each event's input and output."""
    base = f"{stack.host.base_url}/runtime/webhooks/durabletask/instances"
    listed = stack.http.get(f"{base}/").json()
    full = {"showInput": "true", "showHistory": "true", "showHistoryOutput": "true"}
    return [stack.http.get(f"{base}/{i['instanceId']}", params=full).json() for i in listed]


def entity_exists(stack: Stack, chat_id: str) -> bool:
    url = f"{stack.host.base_url}/runtime/webhooks/durabletask/entities/chat/{chat_id}"
    return stack.http.get(url).status_code == 200


def assert_nothing_left(stack: Stack, chat_id: str, *secrets: str) -> None:
    assert stack.blob_names(f"{chat_id}/") == []
    assert stack.trainings(chat_id) == [] and stack.generations(chat_id) == []
    assert stack.messages(chat_id) == []
    url = f"{stack.host.base_url}/runtime/webhooks/durabletask/entities/chat/{chat_id}"
    assert not entity_exists(stack, chat_id), stack.http.get(url).text[:300]
    for instance in instances(stack):
        text = json.dumps(instance)
        for secret in (chat_id, *secrets):
            assert secret not in text, (instance["instanceId"], secret)
    models = stack.fake.fake._account.models
    assert not [m for m in models if f"_{chat_id}_" in m]


def audit_rows(stack: Stack, chat_id: str) -> list[dict[str, Any]]:
    table = stack.services.table(stack.settings.erasures_table)
    rows = table.query_entities("PartitionKey eq @h", parameters={"h": chat_hash(chat_id)})
    return [dict(r) for r in rows]


def test_after_a_full_flow_and_an_erase_nothing_of_the_chat_remains(
    stack: Stack, chat_id: str
) -> None:
    stack.upload(chat_id, [1, 2, 3, 4, 5, 6])
    started = stack.train(chat_id, triggerWord="TOK")
    assert stack.wait_training(chat_id, instance_id=started["instanceId"])["status"] == "succeeded"
    generated = stack.post(
        "GenerateImage", {"userId": chat_id, "trainingId": started["trainingId"], "prompt": PROMPT}
    )
    assert generated.status_code == 200, generated.text
    assert stack.messages(chat_id)  # upload, training and generation notifications are queued

    result = erase(stack, chat_id)

    counts = result["counts"]
    assert result["outcome"] == "erased"
    assert counts["models"] == 1 and counts["modelVersions"] == 1
    assert counts["blobs"] >= 6 + 1 + 2 + 1  # photos, archive, image and prompt, index.md
    assert counts["trainingRows"] == 1 and counts["generationRows"] == 1
    assert counts["notifications"] >= 4
    assert counts["histories"] >= 3 + 6  # upload (+ one per photo), training, generation
    assert_nothing_left(stack, chat_id, PROMPT)
    [audit] = audit_rows(stack, chat_id)
    assert audit["Outcome"] == "erased" and audit["Models"] == 1
    assert chat_id not in json.dumps(audit, default=str)

    # A new upload starts from nothing; the new model is number 1 again, under a new name (the
    # fake, like Replicate, keeps the deleted model's name reserved).
    again = stack.upload(chat_id, [1, 2, 3, 4, 5])
    assert again["imageCount"] == 5 and again["skipped"] == []
    retrained = stack.train(chat_id, triggerWord="TOK")
    assert retrained["modelId"] != started["modelId"]
    assert retrained["modelId"].startswith(f"kaizen/telegram_flux_{chat_id}_1_")
    finished = stack.wait_training(chat_id, instance_id=retrained["instanceId"])
    assert finished["status"] == "succeeded"


def test_an_erase_during_a_training_stops_it_and_nothing_follows(
    stack: Stack, chat_id: str
) -> None:
    stack.fake.fake.set_schedule(training=Schedule(starting=0.5, processing=30))
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    started = stack.train(chat_id)
    training_id = started["trainingId"]
    assert stack.fake.fake.training(training_id)["status"] in ("starting", "processing")

    result = erase(stack, chat_id)

    assert result["counts"]["workflowsStopped"] == 1
    assert result["counts"]["jobsCanceled"] == 1
    assert stack.fake.fake.training(training_id)["status"] == "canceled"
    assert not [t for t in stack.fake.fake.trainings() if t["status"] in ("starting", "processing")]
    stack.fake.wait_idle()  # the canceled training's webhook has been sent (and ignored)
    assert stack.messages(chat_id) == []  # no "training complete", nor anything else
    assert_nothing_left(stack, chat_id)


def test_two_erases_at_once_do_no_harm(stack: Stack, chat_id: str) -> None:
    stack.upload(chat_id, [1, 2, 3])
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: erase(stack, chat_id), range(2)))
    assert sum(r["counts"]["blobs"] for r in results) >= 3 + 1
    assert_nothing_left(stack, chat_id)
    assert len(audit_rows(stack, chat_id)) == 2


def test_an_unknown_chat_is_erased_with_zero_counts(stack: Stack, chat_id: str) -> None:
    counts = erase(stack, chat_id)["counts"]
    assert counts["blobs"] == counts["models"] == counts["trainingRows"] == 0
    assert_nothing_left(stack, chat_id)


def test_a_user_id_that_is_not_a_chat_id_is_refused_and_nothing_is_touched(
    stack: Stack, chat_id: str
) -> None:
    stack.upload(chat_id, [1])
    before = [i["instanceId"] for i in instances(stack)]
    for bad in ("abc", "12a", "1" * 21, "--5"):
        response = stack.http.delete(f"{stack.host.base_url}/api/chats/{bad}")
        assert response.status_code == 400, bad
        assert response.json() == {
            "success": False,
            "data": None,
            "error": "userId must be a Telegram chat id (digits, optional leading minus)",
        }
    assert [i["instanceId"] for i in instances(stack)] == before
    assert len(stack.blob_names(f"{chat_id}/upload/")) == 1

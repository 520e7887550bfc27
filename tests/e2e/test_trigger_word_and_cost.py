"""A prompt without the training's trigger word gets it in front (said in the answer, the row and
index.md); every job's compute time is recorded and summed per chat."""

from __future__ import annotations

from tests.e2e.stack import Stack
from tools.fakes.replicate.config import Schedule


def _generate(stack: Stack, chat_id: str, training_id: str, **fields: object) -> dict:
    body = {"userId": chat_id, "trainingId": training_id, "seed": 7, **fields}
    response = stack.post("GenerateImage", body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_trigger_word_is_added_when_missing_and_compute_is_recorded(
    stack: Stack, chat_id: str
) -> None:
    stack.upload(chat_id, [1, 2, 3, 4, 5])
    stack.fake.fake.set_schedule(
        training=Schedule(starting=0, processing=0.4), prediction=Schedule(processing=0.2)
    )
    started = stack.train(chat_id, triggerWord="ZXQ")
    stack.wait_training(chat_id, instance_id=started["instanceId"])
    training_id = started["trainingId"]

    kept = _generate(stack, chat_id, training_id, prompt="zxq at the beach")
    assert (kept["prompt"], kept["triggerWordAdded"]) == ("zxq at the beach", False)
    added = _generate(stack, chat_id, training_id, prompt="a portrait in oil")
    assert (added["prompt"], added["triggerWordAdded"]) == ("ZXQ a portrait in oil", True)
    as_is = _generate(stack, chat_id, training_id, prompt="a tree", addTriggerWord=False)
    assert (as_is["prompt"], as_is["triggerWordAdded"]) == ("a tree", False)

    sent = [p["input"]["prompt"] for p in stack.fake.fake.predictions()]
    assert sorted(sent) == sorted(["zxq at the beach", "ZXQ a portrait in oil", "a tree"])
    rows = {r.generation_id: r for r in stack.generations(chat_id)}
    assert rows[added["generationId"]].trigger_word_added is True
    assert rows[added["generationId"]].prompt == "ZXQ a portrait in oil"
    assert rows[as_is["generationId"]].trigger_word_added is False

    index = stack.read_blob(f"{chat_id}/index.md").decode()
    section = index.split(f"### Generation {added['generationId']}")[1].split("###")[0]
    assert "- Prompt: ZXQ a portrait in oil" in section
    assert "- Trigger Word Added: yes" in section
    assert "Trigger Word Added" not in index.split(f"### Generation {as_is['generationId']}")[1]

    # Cost: Replicate's predict_time of each job, in its row, in index.md, summed per chat.
    (training,) = stack.trainings(chat_id)
    assert training.predict_time is not None and training.predict_time >= 0.4
    generations = stack.generations(chat_id)
    assert all(g.predict_time is not None and g.predict_time >= 0.2 for g in generations)
    assert index.count("- Compute: ") == 4
    total = training.predict_time + sum(g.predict_time or 0 for g in generations)
    assert abs(stack.status(chat_id)["computeSeconds"] - total) < 0.01

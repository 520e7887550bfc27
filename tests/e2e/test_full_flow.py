"""The product end to end: upload six photos, train, receive the webhook, generate, and read back
every record the service keeps (blobs, zip, tables, queue, index.md)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image

from calendary.domain import paths
from tests.e2e.stack import Stack
from tools.fakes.replicate.config import FAST_FLUX_TRAINER, OSTRIS_TRAINER

DATE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC"


# Each trainer publishes its own schema: the same request maps onto each one's inputs.
STEPS_FIELD = {FAST_FLUX_TRAINER: "training_steps", OSTRIS_TRAINER: "steps"}


@pytest.mark.parametrize("trainer", [FAST_FLUX_TRAINER, OSTRIS_TRAINER])
def test_upload_train_generate(stack: Stack, chat_id: str, trainer: str) -> None:
    stack.use_trainer(trainer)
    uploaded = stack.upload(chat_id, [1, 2, 3, 4, 5, 6])
    assert uploaded["imageCount"] == 6
    assert uploaded["archiveUrl"] == ""
    assert uploaded["skipped"] == []
    names = [u["fileName"] for u in uploaded["uploadedImages"]]
    assert all(re.fullmatch(r"image_\d{8}_\d{6}_[a-z0-9]{1,16}_\d{3}\.jpg", n) for n in names)
    uploads = stack.blob_names(f"{chat_id}/upload/")
    assert [n.rsplit("/", 1)[1] for n in uploads] == sorted(names)
    for image in uploaded["uploadedImages"]:
        assert "?" not in image["url"] and image["url"].endswith(image["fileName"])

    started = stack.train(chat_id, triggerWord="TOK", steps=1000)
    # The fake trains instantly: the answer may already carry the end of the training.
    assert started["status"] in ("starting", "processing", "succeeded")
    tag = paths.batch_id(started["instanceId"])
    assert started["modelId"] == f"kaizen/telegram_flux_{chat_id}_1_{tag}"
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "succeeded"
    assert training["trainingId"] == started["trainingId"]
    assert re.fullmatch(r"[0-9a-f]{64}", training["version"])

    generated = stack.post(
        "GenerateImage",
        {
            "userId": chat_id,
            "trainingId": started["trainingId"],
            "prompt": "a photo of TOK person at the beach",
            "seed": 12345,
        },
    )
    assert generated.status_code == 200, generated.text
    generation = generated.json()["data"]
    assert generation["status"] == "succeeded"
    generation_id = generation["generationId"]

    # Blobs: the archive holds exactly the uploads, stored; the generated image and its prompt.
    archives = [n for n in stack.blob_names(f"{chat_id}/") if n.endswith(".zip")]
    assert len(archives) == 1
    assert re.fullmatch(rf"{chat_id}/archive_\d{{8}}_\d{{6}}\.zip", archives[0])
    with zipfile.ZipFile(io.BytesIO(stack.read_blob(archives[0]))) as archive:
        assert sorted(archive.namelist()) == sorted(names)
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            assert archive.read(info) == stack.read_blob(f"{chat_id}/upload/{info.filename}")
    image = stack.read_blob(f"{chat_id}/generated/{generation_id}.jpg")
    assert Image.open(io.BytesIO(image)).format == "JPEG"
    prompt = stack.read_blob(f"{chat_id}/generated/{generation_id}_prompt.txt").decode()
    assert prompt == "a photo of TOK person at the beach"
    assert generation["imageUrl"].endswith(f"{chat_id}/generated/{generation_id}.jpg")

    # Tables.
    (row,) = stack.trainings(chat_id)
    assert row.training_id == started["trainingId"] == row.replicate_id
    assert (row.status, row.version, row.steps, row.trigger_word) == (
        "succeeded",
        training["version"],
        1000,
        "TOK",
    )
    assert row.model_id == started["modelId"] and row.instance_id == started["instanceId"]
    assert row.archive_url and row.archive_url.endswith(archives[0]) and "?" not in row.archive_url
    assert row.created_at and row.completed_at
    (gen,) = stack.generations(chat_id)
    assert gen.generation_id == generation_id and gen.training_id == started["trainingId"]
    assert (gen.prompt, gen.seed, gen.output_seed, gen.status) == (
        "a photo of TOK person at the beach",
        12345,
        12345,
        "succeeded",
    )
    assert gen.replicate_id and gen.image_url == generation["imageUrl"]

    # Queue: one message per step, in order, each with an idempotency key; only the image link
    # carries a SAS.
    messages = stack.messages(chat_id)
    kinds = [m["messageType"] for m in messages]
    assert kinds == [
        "upload_complete",
        "training_started",
        "training_complete",
        "generation_complete",
    ]
    assert all(m["metadata"]["idempotencyKey"] for m in messages)
    assert "Тренування завершено" in messages[2]["text"]
    link = messages[3]["imageUrl"]
    assert f"{chat_id}/generated/{generation_id}.jpg?" in link and "sig=" in link
    assert all("sig=" not in m["imageUrl"] for m in messages[:3])

    # index.md in the seed's format.
    index = stack.read_blob(f"{chat_id}/index.md").decode()
    lines = index.splitlines()
    assert lines[0] == f"# Chat {chat_id}"
    assert "## Uploaded Images" in lines and "## Training" in lines
    assert re.search(rf"^- Date: {DATE}$", index, re.M)
    assert "- Count: 6" in lines
    assert f"- Training ID: {started['trainingId']}" in lines
    assert f"- Model ID: {started['modelId']}" in lines
    assert "- Status: succeeded" in lines
    assert "- Trigger Word: TOK" in lines and "- Steps: 1000" in lines
    assert re.search(rf"^- Started: {DATE}$", index, re.M)
    assert f"### Generation {generation_id}" in lines
    assert "- Prompt: a photo of TOK person at the beach" in lines
    assert "- Seed: 12345" in lines
    assert "sig=" not in index

    # Replicate saw one model, one training (on the configured trainer, with its own field
    # names), one prediction.
    (trained,) = stack.fake.fake.trainings()
    assert trained["model"] == trainer
    assert trained["input"][STEPS_FIELD[trainer]] == 1000
    assert trained["input"]["trigger_word"] == "TOK"
    ledger = stack.fake.fake.ledger
    assert ledger.count("create_model") == 1
    assert ledger.count("create_training") == 1
    assert ledger.count("create_prediction") == 1

"""Generation under Replicate's faults: a create-prediction answer lost after Replicate acted."""

from __future__ import annotations

from tests.e2e.stack import Stack


def test_a_lost_create_answer_does_not_start_a_second_prediction(
    stack: Stack, chat_id: str
) -> None:
    stack.upload(chat_id, [31, 32, 33, 34, 35])
    started = stack.train(chat_id)
    training = stack.wait_training(chat_id, instance_id=started["instanceId"])
    assert training["status"] == "succeeded"
    fake = stack.fake.fake
    # Replicate creates (and bills) the prediction, but our call sees a 502 and is retried.
    fake.fail_requests(502, route="create_prediction", after=True)
    generated = stack.post(
        "GenerateImage",
        {"userId": chat_id, "trainingId": started["trainingId"], "prompt": "TOK on a hill"},
    )
    assert generated.status_code == 200, generated.text
    generation = generated.json()["data"]
    assert generation["status"] == "succeeded"
    generation_id = generation["generationId"]
    (only,) = fake.predictions()
    assert only["webhook"].endswith(f"instanceId={generation_id}")
    creates = fake.ledger.requests("create_prediction")
    assert [c.status for c in creates] == [502]
    assert creates[0].fault == "status 502 after processing" and creates[0].job_id == only["id"]
    assert fake.ledger.count("list_predictions", status=200) == 2  # one look before each create
    (row,) = stack.generations(chat_id)
    assert (row.generation_id, row.replicate_id, row.status) == (
        generation_id,
        only["id"],
        "succeeded",
    )
    image = stack.read_blob(f"{chat_id}/generated/{generation_id}.jpg")
    assert image.startswith(b"\xff\xd8")  # a JPEG

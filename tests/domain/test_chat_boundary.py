"""The chat entity's typed boundary: what workflows send is the JSON they always sent, the entity
parses it with the same models, and answers come back typed."""

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from calendary.domain import chat_operations as ops
from calendary.domain.chat_boundary import answer_json
from calendary.domain.chat_generations import GenerationRequest
from calendary.domain.chat_retention import ExpireRequest
from calendary.domain.chat_state import ChatState, ChatStateError, wire_time
from calendary.domain.chat_trainings import TrainingRequest
from calendary.domain.chat_uploads import ImageCandidate
from tests.domain.builders import with_images

# What the workflow's clock gives (`context.current_utc_datetime`).
NOW = datetime(2026, 12, 7, 22, 47, 52, 884223, tzinfo=UTC)
ANALYSIS = {
    "width": 640,
    "height": 480,
    "faces": 1,
    "face_ratio": 0.2,
    "sharpness": 131.7648629088645,
    "brightness": 115.833076171875,
    "issues": [],
    "distance": None,
}


def sent(operation: ops.Operation, request: object) -> str:
    """The text that crosses the boundary (the SDK writes it with `json.dumps`)."""
    return json.dumps(operation.payload(request))


def test_reserve_training_sends_the_workflows_json_with_isoformat_times() -> None:
    request = TrainingRequest(
        instance_id="i1",
        owner="kaizen",
        trigger_word="TOK",
        steps=1000,
        description="User model",
        requested_at=NOW,
    )
    text = sent(ops.RESERVE_TRAINING, ops.ReserveTraining(request=request, min_images=5))
    assert text == (
        '{"request": {"instance_id": "i1", "owner": "kaizen", "trigger_word": "TOK", '
        '"steps": 1000, "description": "User model", '
        '"requested_at": "2026-12-07T22:47:52.884223+00:00"}, "min_images": 5}'
    )


def test_training_started_sends_no_status_it_was_not_given() -> None:
    request = ops.TrainingStarted(instance_id="i1", training_id="t1", archive_url="http://a/x.zip")
    assert sent(ops.RECORD_TRAINING_STARTED, request) == (
        '{"instance_id": "i1", "training_id": "t1", "archive_url": "http://a/x.zip"}'
    )


def test_training_finished_keeps_a_replicate_time_as_it_came() -> None:
    request = ops.TrainingFinished(
        instance_id="i1",
        status="succeeded",
        completed_at="2026-12-07T22:47:53.245444+00:00",
        version="v1",
        error=None,
        predict_time=12.5,
        hardware=None,
    )
    assert sent(ops.RECORD_TRAINING_FINISHED, request) == (
        '{"instance_id": "i1", "status": "succeeded", '
        '"completed_at": "2026-12-07T22:47:53.245444+00:00", "version": "v1", "error": null, '
        '"predict_time": 12.5, "hardware": null}'
    )
    # Text in another shape (a webhook's, say) crosses unchanged; the entity reads the time.
    short = ops.TrainingFinished(instance_id="i", status="failed", completed_at="2026-12-08T10:00Z")
    assert ops.RECORD_TRAINING_FINISHED.payload(short)["completed_at"] == "2026-12-08T10:00Z"
    assert wire_time("2026-12-08T10:00Z") == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


def test_a_completed_generation_sends_likeness_only_when_the_workflow_gives_it() -> None:
    fields = {"generation_id": "g1", "status": "failed", "completed_at": NOW, "image_url": None}
    old = json.loads(sent(ops.COMPLETE_GENERATION, ops.GenerationCompleted(**fields)))
    new = json.loads(
        sent(ops.COMPLETE_GENERATION, ops.GenerationCompleted(**fields, likeness_distance=None))
    )
    assert list(old) == ["generation_id", "status", "completed_at", "image_url"]
    assert list(new) == [*old, "likeness_distance"]
    assert old["completed_at"] == "2026-12-07T22:47:52.884223+00:00"


def test_add_generation_and_expire_data_send_every_field_in_order() -> None:
    generation = GenerationRequest(
        generation_id="g1",
        training_id="t1",
        prompt="TOK at sea",
        seed=None,
        requested_at=NOW,
        trigger_word_added=False,
    )
    assert list(ops.ADD_GENERATION.payload(generation)) == [
        "generation_id",
        "training_id",
        "prompt",
        "seed",
        "requested_at",
        "trigger_word_added",
    ]
    expire = ExpireRequest(uploads_before=NOW, generated_before=NOW, at=NOW)
    assert ops.EXPIRE_DATA.payload(expire) == {
        "uploads_before": "2026-12-07T22:47:52.884223+00:00",
        "generated_before": "2026-12-07T22:47:52.884223+00:00",
        "at": "2026-12-07T22:47:52.884223+00:00",
    }


def test_register_images_passes_a_photo_analysis_through_unchanged() -> None:
    candidate = ImageCandidate(
        index=0,
        blob_name="1/upload/a.jpg",
        size_bytes=10,
        sha256="ab",
        source_id=None,
        uploaded_at=NOW,
        analysis=ANALYSIS,
    )
    payload = ops.REGISTER_IMAGES.payload(ops.RegisterImages(candidates=[candidate], max_images=9))
    assert payload["candidates"][0]["analysis"] == ANALYSIS
    assert list(payload["candidates"][0])[-2:] == ["uploaded_at", "analysis"]
    # An analysis recorded before the same-person check existed stays without `distance`.
    older = {k: v for k, v in ANALYSIS.items() if k != "distance"}
    again = candidate.model_copy(update={"analysis": None}).model_dump() | {"analysis": older}
    request = ops.RegisterImages(candidates=[again], max_images=9)
    assert ops.REGISTER_IMAGES.payload(request)["candidates"][0]["analysis"] == older


@pytest.mark.parametrize(
    ("operation", "request_"),
    [
        (
            ops.RECORD_FACE_DISTANCES,
            ops.RecordFaceDistances(blob_names=["a"], distances={"a": 0.25}, max_distance=0.55),
        ),
        (
            ops.RECORD_TRAINING_FINISHED,
            ops.TrainingFinished(instance_id="i", status="canceled", completed_at=NOW),
        ),
    ],
)
def test_the_entity_parses_what_a_workflow_sent_into_the_same_request(
    operation: ops.Operation, request_: object
) -> None:
    assert operation.parse(json.loads(sent(operation, request_))) == request_


def test_the_entity_refuses_an_input_its_model_does_not_accept() -> None:
    with pytest.raises(ValidationError):
        ops.RECORD_TRAINING_STARTED.parse({"instance_id": "i1"})
    with pytest.raises(ValidationError):
        ops.RECORD_TRAINING_FINISHED.parse(
            {"instance_id": "i1", "status": "failed", "completed_at": "soon"}
        )
    with pytest.raises(ChatStateError):
        ops.apply("1", None, "no_such_operation", None)


def test_answers_come_back_typed_with_the_record_and_its_revision() -> None:
    state = with_images(5).model_dump(mode="json")
    request = TrainingRequest(
        instance_id="i1", owner="kaizen", trigger_word="TOK", steps=10, requested_at=NOW
    )
    reserve = ops.ReserveTraining(request=request, min_images=5)
    after, result = ops.apply("123456789", state, ops.RESERVE_TRAINING.name, reserve.model_dump())
    raw = json.loads(json.dumps(answer_json(result, after, 4)))
    assert list(raw) == ["result", "state", "revision"]

    answer = ops.RESERVE_TRAINING.answer(raw)
    assert answer.result.result == "reserved"
    assert answer.result.training is not None
    assert answer.result.training.model_id.startswith("kaizen/telegram_flux_123456789_1")
    assert (answer.revision, answer.chat.active_training) == (4, "i1")
    assert answer.state == after  # index.md is rendered from the record exactly as saved


def test_every_operation_answers_with_its_own_result_model() -> None:
    assert all(name == op.name for name, op in ops.OPERATIONS.items())
    state = with_images(2).model_dump(mode="json")
    for operation in (ops.GET,):
        _, result = ops.apply("123456789", state, operation.name, None)
        typed = operation.answer(answer_json(result, state, 1)).result
        assert isinstance(typed, operation.result)
    assert ops.GET.answer(answer_json(state, state, 1)).result.chat_id == "123456789"


def test_an_erased_chat_answers_without_a_record() -> None:
    answer = ops.ERASE.answer(answer_json(ops.ERASED, None, 3))
    assert (answer.result, answer.state, answer.revision) == ("erased", None, 3)
    with pytest.raises(ChatStateError):
        _ = answer.chat


def test_erase_is_an_operation_that_leaves_a_chat_never_seen() -> None:
    state = with_images(2).model_dump(mode="json")
    after, result = ops.apply("123456789", state, ops.ERASE.name, None)
    assert after == ChatState(chat_id="123456789").model_dump(mode="json")
    assert result == "erased"
    assert ops.ERASE.payload(None) is None  # the entity is called with no input, as before


def test_an_erase_answering_anything_but_erased_is_refused() -> None:
    with pytest.raises(ValidationError):
        ops.ERASE.answer(answer_json("kept", None, 3))

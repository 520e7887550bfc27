"""The chat record's rules: uploads, duplicates, limits, the training slot and its lifecycle."""

from datetime import timedelta

import pytest

from calendary.domain.chat_generations import GenerationRequest, add_generation, complete_generation
from calendary.domain.chat_state import ChatState, ChatStateError, summarize
from calendary.domain.chat_trainings import (
    record_training_finished,
    record_training_started,
    recorded_status,
    reserve_training,
)
from calendary.domain.chat_uploads import register_images
from tests.domain.builders import T0, candidate, request, trained, with_images


def test_new_images_are_accepted_and_counted() -> None:
    state, reg = register_images(
        ChatState(chat_id="1"), [candidate(2), candidate(1)], max_images=10
    )
    assert [i.blob_name for i in reg.accepted] == [candidate(1).blob_name, candidate(2).blob_name]
    assert reg.skipped == ()
    assert reg.image_count == len(state.images) == 2


def test_duplicates_by_content_and_by_source_id_are_skipped() -> None:
    state, _ = register_images(ChatState(chat_id="1"), [candidate(1, source="tg-a")], max_images=10)
    batch = [candidate(2, sha=candidate(1).sha256), candidate(3, source="tg-a"), candidate(4)]
    state, reg = register_images(state, batch, max_images=10)
    assert [(s.index, s.reason) for s in reg.skipped] == [
        (2, "duplicate_content"),
        (3, "duplicate_source"),
    ]
    assert {s.duplicate_of for s in reg.skipped} == {candidate(1).blob_name}
    assert [i.blob_name for i in reg.accepted] == [candidate(4).blob_name]
    assert len(state.images) == 2


def test_the_same_photo_twice_in_one_batch_is_stored_once() -> None:
    same = "f" * 64
    state, reg = register_images(
        ChatState(chat_id="1"), [candidate(1, sha=same), candidate(2, sha=same)], max_images=10
    )
    assert len(state.images) == 1
    assert [s.index for s in reg.skipped] == [2]


def test_registering_again_is_idempotent() -> None:
    batch = [candidate(1), candidate(2)]
    once, first = register_images(ChatState(chat_id="1"), batch, max_images=10)
    twice, second = register_images(once, batch, max_images=10)
    assert twice == once
    assert second == first


def test_chat_limit_skips_the_overflow() -> None:
    state, reg = register_images(
        with_images(3), [candidate(10), candidate(11), candidate(12)], max_images=4
    )
    assert len(state.images) == 4
    assert [(s.index, s.reason) for s in reg.skipped] == [(11, "chat_limit"), (12, "chat_limit")]


def test_reservation_needs_enough_images() -> None:
    state, res = reserve_training(with_images(4), request(), min_images=5)
    assert res.result == "not_enough_images"
    assert res.image_count == 4
    assert state.active_training is None


def test_two_racing_reservations_exactly_one_wins() -> None:
    state = with_images(5)
    state, first = reserve_training(state, request("a"), min_images=5)
    state, second = reserve_training(state, request("b"), min_images=5)
    assert first.result == "reserved"
    assert first.training is not None
    assert first.training.model_id == "chernikov/telegram_flux_123456789_1_a"
    assert second.result == "training_active"
    assert second.active_instance_id == "a"
    again, repeat = reserve_training(state, request("a"), min_images=5)
    assert (again, repeat.result, repeat.training) == (state, "reserved", first.training)


def test_training_lifecycle_frees_the_slot_and_numbers_models() -> None:
    state, _ = reserve_training(with_images(5), request("a"), min_images=5)
    state, started = record_training_started(
        state, "a", training_id="tr1", archive_url="https://x/a.zip"
    )
    assert (started.status, started.training_id) == ("starting", "tr1")
    done_at = T0 + timedelta(hours=1)
    state, done = record_training_finished(
        state, "a", status="succeeded", version="v1hash00", completed_at=done_at
    )
    assert (done.status, done.version, done.completed_at) == ("succeeded", "v1hash00", done_at)
    assert state.active_training is None
    late, repeat = record_training_finished(
        state, "a", status="failed", error="late", completed_at=done_at + timedelta(hours=1)
    )
    assert late == state
    assert repeat.status == "succeeded"
    restarted, _ = record_training_started(state, "a", training_id="tr9", archive_url="x")
    assert restarted == state
    state, second = reserve_training(state, request("b"), min_images=5)
    assert second.training is not None
    assert second.training.model_id.endswith("_2_b")


def test_failure_before_start_frees_the_slot() -> None:
    state, _ = reserve_training(with_images(5), request("a"), min_images=5)
    state, failed = record_training_finished(
        state, "a", status="failed", error="archive", completed_at=T0
    )
    assert failed.status == "failed"
    assert failed.training_id is None
    assert state.active_training is None


def test_unknown_instance_is_a_caller_error() -> None:
    with pytest.raises(ChatStateError):
        record_training_started(with_images(1), "nope", training_id="t", archive_url="u")


def test_generation_requires_a_succeeded_training_of_this_chat() -> None:
    def gen(training_id: str) -> GenerationRequest:
        return GenerationRequest(
            generation_id="g1", training_id=training_id, prompt="p", requested_at=T0
        )

    assert add_generation(with_images(1), gen("abc123xyz"))[1].result == "unknown_training"
    running, _ = reserve_training(with_images(5), request("a"), min_images=5)
    running, _ = record_training_started(running, "a", training_id="tr1", archive_url="u")
    assert add_generation(running, gen("tr1"))[1].result == "training_not_succeeded"
    state, added = add_generation(trained(), gen("abc123xyz"))
    assert added.result == "ok"
    assert added.version == "h" * 64
    again, repeat = add_generation(state, gen("abc123xyz"))
    assert (again, repeat) == (state, added)


def test_generation_completion_is_recorded_once() -> None:
    request_ = GenerationRequest(
        generation_id="g1", training_id="abc123xyz", prompt="p", seed=5, requested_at=T0
    )
    state, _ = add_generation(trained(), request_)
    state, done = complete_generation(
        state,
        "g1",
        status="succeeded",
        image_url="https://x/g1.jpg",
        output_seed=7,
        completed_at=T0,
    )
    assert (done.status, done.output_seed, done.seed) == ("succeeded", 7, 5)
    again, _ = complete_generation(state, "g1", status="failed", completed_at=T0)
    assert again == state
    with pytest.raises(ChatStateError):
        complete_generation(state, "g2", status="failed", completed_at=T0)


def test_state_round_trips_through_json_and_summarizes() -> None:
    request_ = GenerationRequest(
        generation_id="g1", training_id="abc123xyz", prompt="p", requested_at=T0
    )
    state, _ = add_generation(trained(), request_)
    assert ChatState.model_validate_json(state.model_dump_json()) == state
    summary = summarize(state)
    assert summary.image_count == 5
    assert summary.generation_count == 1
    assert summary.training_active is False
    assert summary.latest_training is not None
    assert (summary.latest_training.training_id, summary.latest_training.status) == (
        "abc123xyz",
        "succeeded",
    )
    assert summarize(ChatState(chat_id="1")).latest_training is None


@pytest.mark.parametrize(
    ("replicate", "recorded"),
    [
        ("succeeded", "succeeded"),
        ("failed", "failed"),
        ("canceled", "canceled"),
        ("aborted", "canceled"),  # ended before it started
        ("timed_out", "failed"),  # the workflow's own end: no result in time
    ],
)
def test_a_training_end_is_recorded_as_one_of_three(replicate: str, recorded: str) -> None:
    # The training workflow and the starter freeing a stale slot both record ends through this.
    assert recorded_status(replicate) == recorded

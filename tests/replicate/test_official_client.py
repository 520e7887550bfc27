"""Replicate's own Python client, pointed at the fake, judges what the fake publishes: the same
schemas from the version endpoint, and the same 422 for an input a trainer cannot take."""

from __future__ import annotations

import pytest
import replicate
from replicate.exceptions import ReplicateError

from calendary.replicate.input_schema import InputSchema
from tools.fakes.replicate.config import FAST_FLUX_TRAINER, OSTRIS_TRAINER, FakeConfig
from tools.fakes.replicate.published_schemas import PREDICTOR, TRAINERS
from tools.fakes.replicate.testing import RunningFake

TRAINER_VERSIONS = {name: versions[0] for name, versions in FakeConfig().trainers.items()}


def official(fake: RunningFake) -> replicate.Client:
    return replicate.Client(api_token=fake.api_key, base_url=fake.origin)


@pytest.mark.parametrize("trainer", [OSTRIS_TRAINER, FAST_FLUX_TRAINER])
def test_official_client_reads_each_trainers_schema(fake: RunningFake, trainer: str) -> None:
    model = official(fake).models.get(trainer)
    version = model.versions.get(TRAINER_VERSIONS[trainer])
    assert version.id == TRAINER_VERSIONS[trainer]
    assert version.openapi_schema == TRAINERS[trainer].openapi()
    assert model.latest_version is not None
    schema = InputSchema.from_openapi(version.openapi_schema, "TrainingInput")
    steps = schema.first_of("steps", "training_steps")
    assert steps == {OSTRIS_TRAINER: "steps", FAST_FLUX_TRAINER: "training_steps"}[trainer]


def test_fast_flux_trainer_publishes_its_enum_the_cog_way(fake: RunningFake) -> None:
    version = (
        official(fake)
        .models.get(FAST_FLUX_TRAINER)
        .versions.get(TRAINER_VERSIONS[FAST_FLUX_TRAINER])
    )
    components = version.openapi_schema["components"]["schemas"]
    lora_type = components["TrainingInput"]["properties"]["lora_type"]
    assert lora_type["allOf"] == [{"$ref": "#/components/schemas/lora_type"}]
    assert components["lora_type"]["enum"] == ["subject", "style"]
    schema = InputSchema.from_openapi(version.openapi_schema, "TrainingInput")
    assert schema.fields["lora_type"].enum == ("subject", "style")
    assert schema.required == ("input_images",)


@pytest.mark.parametrize(
    ("trainer", "bad", "field"),
    [
        (OSTRIS_TRAINER, {"steps": 7000}, "input.steps"),
        (FAST_FLUX_TRAINER, {"training_steps": 0}, "input.training_steps"),
        (FAST_FLUX_TRAINER, {"steps": 1000}, "input"),
        (FAST_FLUX_TRAINER, {"lora_type": "face"}, "input.lora_type"),
    ],
)
def test_official_client_gets_422_for_inputs_a_trainer_refuses(
    fake: RunningFake, trainer: str, bad: dict, field: str
) -> None:
    client = official(fake)
    client.models.create(owner="local", name="person-x", visibility="private", hardware="cpu")
    with pytest.raises(ReplicateError) as refused:
        client.trainings.create(
            version=f"{trainer}:{TRAINER_VERSIONS[trainer]}",
            input={"input_images": "https://example.com/a.zip", **bad},
            destination="local/person-x",
        )
    assert refused.value.status == 422
    assert refused.value.title == "Input validation failed"
    assert field in (refused.value.detail or "")
    (entry,) = fake.fake.ledger.requests("create_training")
    assert entry.status == 422
    assert fake.fake.trainings() == []


def test_trained_versions_publish_the_flux_lora_predictor_input() -> None:
    schema = InputSchema.from_openapi(PREDICTOR.openapi(), "Input")
    assert schema.required == ("prompt",)
    assert schema.fields["aspect_ratio"].enum is not None
    assert "9:21" in schema.fields["aspect_ratio"].enum
    assert (
        schema.fields["num_inference_steps"].minimum,
        schema.fields["num_inference_steps"].maximum,
    ) == (1, 50)

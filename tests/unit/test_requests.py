"""Request models: case-insensitive keys, the seed's defaults, and clear refusals of bad input."""

import pytest
from pydantic import ValidationError

from calendary.domain.requests import (
    CreateAndTrainModelRequest,
    GenerateImageRequest,
    UploadImagesRequest,
)


def test_field_names_are_case_insensitive_and_chat_id_may_be_a_number() -> None:
    req = UploadImagesRequest.model_validate(
        {"USERID": 123456789, "imageurls": ["https://x/a.jpg"]}
    )
    assert req.user_id == "123456789"
    assert [r.url for r in req.image_refs()] == ["https://x/a.jpg"]


def test_defaults_follow_the_seed() -> None:
    req = CreateAndTrainModelRequest.model_validate({"userId": "-100200"})
    assert (req.model_description, req.trigger_word, req.steps) == ("User model", "TOK", 1000)
    gen = GenerateImageRequest.model_validate({"userId": "1", "trainingId": "abc", "prompt": "TOK"})
    assert (gen.aspect_ratio, gen.num_inference_steps, gen.seed) == ("1:1", 28, None)


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (UploadImagesRequest, {"userId": "../x", "imageUrls": ["https://x/a.jpg"]}),
        (UploadImagesRequest, {"userId": "1", "imageUrls": []}),
        (CreateAndTrainModelRequest, {"userId": "1", "steps": 0}),
        (CreateAndTrainModelRequest, {"userId": "1", "triggerWord": "two words"}),
        (GenerateImageRequest, {"userId": "1", "trainingId": "a", "prompt": ""}),
        (GenerateImageRequest, {"userId": "1", "trainingId": "a/b", "prompt": "p"}),
        (
            GenerateImageRequest,
            {"userId": "1", "trainingId": "a", "prompt": "p", "numInferenceSteps": 0},
        ),
    ],
)
def test_bad_input_is_rejected(model: type, body: dict) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(body)


def test_an_image_is_named_by_url_or_by_telegram_file_path() -> None:
    req = UploadImagesRequest.model_validate(
        {"userId": "1", "images": [{"telegramFilePath": "photos/file_7.jpg", "sourceId": "u7"}]}
    )
    [ref] = req.image_refs()
    assert (ref.url, ref.telegram_file_path, ref.source_id) == (None, "photos/file_7.jpg", "u7")


@pytest.mark.parametrize(
    "image",
    [
        {"telegramFilePath": "../secrets"},
        {"telegramFilePath": "photos/../../x"},
        {"telegramFilePath": "/etc/passwd"},
        {"telegramFilePath": "photos/a.jpg?x=1"},
        {"telegramFilePath": "https://evil/x.jpg"},
        {"url": "https://x/a.jpg", "telegramFilePath": "photos/a.jpg"},
        {"sourceId": "only"},
    ],
)
def test_a_bad_image_reference_is_refused(image: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        UploadImagesRequest.model_validate({"userId": "1", "images": [image]})

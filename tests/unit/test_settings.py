"""Settings read the app setting names, from the environment too, and parse their types."""

from datetime import timedelta

from calendary.domain.image_urls import ImageUrlPolicy
from calendary.settings import Settings


def test_reads_app_setting_names_and_parses_types() -> None:
    settings = Settings(
        _env_file=None,
        **{
            "ReplicateApiKey": "r8_secret",
            "ImageUrlAllowedHosts": "api.telegram.org, 127.0.0.1 ,",
            "TrainingTimeout": "PT3H",
            "MinTrainingImages": "7",
        },
    )
    policy = ImageUrlPolicy.from_setting(settings.image_url_allowed_hosts)
    assert policy.allowed_hosts == frozenset({"api.telegram.org", "127.0.0.1"})
    assert settings.training_timeout == timedelta(hours=3)
    assert settings.min_training_images == 7
    assert "r8_secret" not in repr(settings)
    assert settings.replicate_api_key.get_secret_value() == "r8_secret"


def test_environment_variables_use_the_same_names(monkeypatch) -> None:
    monkeypatch.setenv("ReplicateOwner", "alice")
    monkeypatch.setenv("GenerationTimeout", "00:02:00")
    settings = Settings()
    assert settings.replicate_owner == "alice"
    assert settings.generation_timeout == timedelta(minutes=2)


def test_likeness_retry_is_off_unless_asked_for() -> None:
    assert Settings(_env_file=None).likeness_retry_above is None
    on = Settings(_env_file=None, **{"LikenessRetry": "true", "LikenessRetryDistance": "0.5"})
    assert on.likeness_retry_above == 0.5
    assert Settings(_env_file=None, LikenessRetry="1").likeness_retry_above == 0.6

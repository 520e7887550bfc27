"""Every setting the code reads is provisioned by Bicep and listed locally, and nothing else is."""

from __future__ import annotations

import pytest

from calendary.domain.image_urls import ImageUrlPolicy
from calendary.settings import Settings
from tests.deploy.settings_sources import (
    bicep_app_settings,
    bicep_string_vars,
    code_settings,
    environment_reads,
    local_settings,
)

# Read by the Functions host, the Python worker or azure-identity, not by our code.
PLATFORM = {
    "FUNCTIONS_WORKER_RUNTIME",
    "AzureWebJobsFeatureFlags",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    "AzureWebJobsStorage__credential",
    "AzureWebJobsStorage__clientId",
    "AZURE_CLIENT_ID",
}
# Settings of which one form is enough: a connection string locally, an account name in Azure.
ALTERNATIVES = [{"AzureWebJobsStorage", "AzureWebJobsStorage__accountName"}]
SECRETS = {
    "ReplicateApiKey",
    "ReplicateWebhookSecret",
    "TelegramBotToken",
    "NotificationWebhookSecret",
}


def _missing(required: set[str], present: set[str]) -> set[str]:
    missing = required - present
    for group in ALTERNATIVES:
        if group & present:
            missing -= group
    return missing


def test_the_scanner_finds_every_kind_of_read() -> None:
    source = (
        "import os\nfrom os import environ\n"
        "a = os.environ['A']\nb = os.environ.get('B', 'x')\nc = os.getenv('C')\n"
        "d = environ['D']\n"
        "@app.queue_trigger(arg_name='m', queue_name='%E%', connection='Conn')\n"
        "def f(m): pass\n"
    )
    assert environment_reads(source) == {"A", "B", "C", "D", "E"}


def test_code_settings_include_every_settings_alias() -> None:
    names = code_settings()
    assert {"ReplicateApiKey", "AzureWebJobsStorage", "AzureWebJobsStorage__accountName"} <= names
    assert "replicate_api_key" not in names  # field names are not app settings


def test_bicep_provisions_every_setting_the_code_reads() -> None:
    assert _missing(code_settings(), set(bicep_app_settings())) == set()


def test_local_example_lists_every_setting_the_code_reads() -> None:
    assert _missing(code_settings(), set(local_settings())) == set()


@pytest.mark.parametrize("source", ["bicep", "local"])
def test_no_setting_is_provisioned_that_nothing_reads(source: str) -> None:
    names = set(bicep_app_settings()) if source == "bicep" else set(local_settings())
    assert names - code_settings() - PLATFORM == set()


def test_secrets_are_key_vault_references_in_azure() -> None:
    settings = bicep_app_settings()
    for name in SECRETS:
        assert f"kvRef(keyVault.name, '{name}')" in settings[name], name
    assert not any("AccountKey" in value for value in settings.values())
    assert "AzureWebJobsStorage" not in settings  # identity-based: account name, no key


def test_local_example_is_a_working_local_configuration() -> None:
    values = local_settings()
    settings = Settings(_env_file=None, **values)
    assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
    assert settings.replicate_base_url.startswith("http://127.0.0.1:")
    assert (
        "127.0.0.1" in ImageUrlPolicy.from_setting(settings.image_url_allowed_hosts).allowed_hosts
    )
    assert not settings.telegram_bot_token  # delivery stays off until someone sets a token


def test_storage_names_agree_with_the_settings_defaults() -> None:
    defaults = Settings(_env_file=None)
    bicep = bicep_app_settings()
    local = local_settings()
    for alias, value in [
        ("DataContainer", defaults.data_container),
        ("TrainingsTable", defaults.trainings_table),
        ("GenerationsTable", defaults.generations_table),
        ("NotificationDeliveriesTable", defaults.notification_deliveries_table),
        ("NotificationsQueue", defaults.notifications_queue),
    ]:
        assert local[alias] == value
        # The setting refers to the var that also names the Bicep resource.
        assert bicep_string_vars()[bicep[alias]] == value, alias

"""The queue trigger's function called directly, one message at a time, on a real Azurite queue.

For what needs the raised error or the logs in this process (Telegram's answers, a redelivered
message, malformed input). The happy path, retries, poison and duplicates run through the real
host in `test_through_host.py`.
"""

from __future__ import annotations

import pytest

from api.notifications import FUNCTION_NAME
from calendary.delivery.errors import TransientDeliveryError
from calendary.settings import Settings
from calendary.storage.notifications_queue import NotificationQueue
from tests.delivery.messages import CHAT, generation_complete, training_complete
from tests.delivery.queue_host import QueueHost, delivering
from tools.devstack import fake_settings
from tools.fakes.replicate.testing import StubSite
from tools.fakes.telegram.testing import RunningTelegram


def test_the_function_is_a_queue_trigger_on_the_notifications_queue(
    telegram_settings: Settings,
) -> None:
    function, _ = delivering(telegram_settings)
    assert function.get_function_name() == FUNCTION_NAME
    [binding] = function.get_bindings()
    assert binding.type == "queueTrigger"
    assert binding.get_dict_repr()["queueName"] == "%NotificationsQueue%"
    assert binding.get_dict_repr()["connection"] == "AzureWebJobsStorage"


def test_a_dead_image_link_is_refused_for_good_and_not_retried(
    telegram: RunningTelegram,
    telegram_settings: Settings,
    queue: NotificationQueue,
    host: QueueHost,
    site: StubSite,
) -> None:
    queue.send(generation_complete(site.url("/generated/expired.jpg")))
    _, deliver = delivering(telegram_settings)

    assert host.run_once(deliver).error is None
    assert host.pending() == 0
    assert telegram.fake.sent_to(CHAT) == []
    [call] = telegram.fake.calls_to(CHAT)
    assert call.status == 400


def test_a_429_is_retried_with_telegrams_hint(
    telegram: RunningTelegram,
    telegram_settings: Settings,
    queue: NotificationQueue,
    host: QueueHost,
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue.send(training_complete())
    telegram.fake.fail_next(1, status=429, retry_after=7)
    _, deliver = delivering(telegram_settings)

    first = host.run_once(deliver)

    assert isinstance(first.error, TransientDeliveryError)
    assert first.error.retry_after == 7
    assert "retry after 7 s" in caplog.text
    assert host.run_once(deliver).error is None
    assert len(telegram.fake.sent_to(CHAT)) == 1


@pytest.mark.parametrize(
    ("chat", "status"),
    [("555", 400), ("777", 403)],
    ids=["chat-not-found", "bot-blocked"],
)
def test_a_refusing_chat_completes_the_message_without_retry(
    telegram: RunningTelegram,
    telegram_settings: Settings,
    queue: NotificationQueue,
    host: QueueHost,
    caplog: pytest.LogCaptureFixture,
    chat: str,
    status: int,
) -> None:
    telegram.fake.known_chats = frozenset({CHAT, "777"})
    telegram.fake.blocked_chats = frozenset({"777"})
    queue.send(training_complete(chat=chat))
    _, deliver = delivering(telegram_settings)

    assert host.run_once(deliver).error is None

    assert host.pending() == 0
    assert host.poisoned() == []
    assert [c.status for c in telegram.fake.calls_to(chat)] == [status]
    assert "rejected, not retried" in caplog.text


def test_a_message_redelivered_after_a_send_is_not_sent_again(
    telegram: RunningTelegram,
    telegram_settings: Settings,
    queue: NotificationQueue,
    host: QueueHost,
) -> None:
    # The host lost its delete (or the instance stopped) after the function returned.
    queue.send(training_complete())
    _, deliver = delivering(telegram_settings)
    attempt = host.run_once(deliver)

    deliver(attempt.message)

    assert len(telegram.fake.sent_to(CHAT)) == 1


def test_a_wrong_token_is_retried_so_messages_wait_in_the_poison_queue(
    telegram: RunningTelegram,
    storage_settings: dict[str, object],
    queue: NotificationQueue,
    host: QueueHost,
) -> None:
    from pydantic import SecretStr

    settings = fake_settings.telegram_settings(
        telegram, **storage_settings, telegram_bot_token=SecretStr("42:wrong")
    )
    queue.send(training_complete())
    _, deliver = delivering(settings)

    attempt = host.run_once(deliver)

    assert isinstance(attempt.error, TransientDeliveryError)
    assert "401 Unauthorized" in str(attempt.error)
    assert telegram.fake.calls == []  # the fake never saw a valid token


def test_a_malformed_message_raises_without_echoing_it(
    telegram_settings: Settings, host: QueueHost
) -> None:
    host.queue.send_message(
        "bm90IGpzb24gYm90MTIzOnNlY3JldA=="
    )  # Base64 of "not json bot123:secret"
    _, deliver = delivering(telegram_settings)

    attempt = host.run_once(deliver)

    assert isinstance(attempt.error, ValueError)
    assert str(attempt.error) == "malformed notification message"
    assert attempt.error.__suppress_context__

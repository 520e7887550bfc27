"""The fake Telegram as n8n's Telegram Trigger and Telegram nodes use it, over real HTTP: the Bot
API methods and answers (core.telegram.org/bots/api), the user's updates posted to a webhook with
the secret header, and files that download as they were sent."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from tests.images.samples import photo
from tools.fakes.replicate.testing import StubSite, serve_app, stub_site
from tools.fakes.telegram.app import DEFAULT_TOKEN, FakeTelegram
from tools.fakes.telegram.testing import RunningTelegram
from tools.fakes.telegram.webhook import RetryPolicy

CHAT = 424242
SECRET = "wf1_node-2"  # n8n's shape: <workflow id>_<node id>, sanitised


class _CurrentFake:
    """One server for the module, a fresh fake per test: starting and stopping uvicorn per test
    would cost more than the tests themselves."""

    fake: FakeTelegram | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.fake is not None
        await self.fake.app(scope, receive, send)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[_CurrentFake, str]]:
    current = _CurrentFake()
    with serve_app(current) as origin:
        yield current, origin


@pytest.fixture
def telegram(server: tuple[_CurrentFake, str]) -> Iterator[RunningTelegram]:
    current, origin = server
    current.fake = FakeTelegram(
        webhook_retries=RetryPolicy(attempts=3, first_delay=0.01, timeout=5)
    )
    yield RunningTelegram(current.fake, origin, DEFAULT_TOKEN)
    current.fake.close()


@pytest.fixture(scope="module")
def site() -> Iterator[StubSite]:
    with stub_site() as running:
        yield running


@pytest.fixture
def receiver(site: StubSite) -> StubSite:
    site.received.clear()
    site.statuses.clear()
    return site


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def _api(telegram: RunningTelegram, method: str) -> str:
    return f"{telegram.base_url}/bot{telegram.token}/{method}"


def _hook(telegram: RunningTelegram, http: httpx.Client, site: StubSite) -> None:
    """What the Telegram Trigger does when its workflow is activated."""
    body = {"url": site.url("/webhook/abc/webhook"), "allowed_updates": [], "secret_token": SECRET}
    answer = http.post(_api(telegram, "setWebhook"), json=body).json()
    assert answer == {"ok": True, "result": True, "description": "Webhook was set"}


def _delivered(telegram: RunningTelegram, site: StubSite, count: int) -> list[dict]:
    telegram.fake.wait_delivered(timeout=5)
    return [json.loads(r.body) for r in site.wait_for_posts(count, timeout=5)]


def test_get_me_names_the_bot_of_the_token(telegram: RunningTelegram, http: httpx.Client) -> None:
    by_get = http.get(_api(telegram, "getMe")).json()
    by_post = http.post(_api(telegram, "getme")).json()  # method names are case-insensitive
    assert by_get == by_post
    assert by_get["ok"] is True
    bot = by_get["result"]
    assert bot["id"] == int(telegram.token.split(":")[0])
    assert (bot["is_bot"], bot["username"]) == (True, "calendary_kaizen_bot")


def test_wrong_token_and_unknown_method(telegram: RunningTelegram, http: httpx.Client) -> None:
    wrong = http.get(f"{telegram.base_url}/bot1:nope/getMe")
    unknown = http.post(_api(telegram, "sendTelepathy"), json={"chat_id": CHAT})
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


def test_webhook_lifecycle_as_the_trigger_drives_it(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    # n8n posts getWebhookInfo and deleteWebhook without a body.
    assert http.post(_api(telegram, "getWebhookInfo")).json()["result"] == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }
    _hook(telegram, http, receiver)
    info = http.post(_api(telegram, "getWebhookInfo")).json()["result"]
    assert info["url"] == receiver.url("/webhook/abc/webhook")
    assert "allowed_updates" not in info  # an empty list means every kind
    assert http.post(_api(telegram, "deleteWebhook")).json()["description"] == (
        "Webhook was deleted"
    )
    assert http.post(_api(telegram, "deleteWebhook")).json()["description"] == (
        "Webhook is already deleted"
    )
    bad = http.post(_api(telegram, "setWebhook"), json={"url": "x", "secret_token": "a b"})
    assert bad.status_code == 400


def test_a_photo_reaches_the_webhook_with_the_secret_and_downloads_whole(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    _hook(telegram, http, receiver)
    image = photo(1600, 1200)
    sent = telegram.fake.user_sends_photo(CHAT, image, caption="me")
    [update] = _delivered(telegram, receiver, 1)

    assert receiver.received[0].headers["x-telegram-bot-api-secret-token"] == SECRET
    assert update == sent
    message = update["message"]
    assert message["chat"] == {
        "id": CHAT,
        "first_name": "Test",
        "last_name": f"User {CHAT}",
        "username": f"user{CHAT}",
        "type": "private",
    }
    assert message["from"]["id"] == CHAT and message["from"]["is_bot"] is False
    assert message["caption"] == "me" and isinstance(message["date"], int)
    sizes = message["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1280, 960),
        (1600, 1200),
    ]
    assert len({s["file_id"] for s in sizes}) == len({s["file_unique_id"] for s in sizes}) == 5

    # What the trigger does with "Download Images/Files": getFile, then the file URL.
    largest = sizes[-1]
    file = http.get(_api(telegram, f"getFile?file_id={largest['file_id']}")).json()["result"]
    assert file["file_path"].startswith("photos/file_") and file["file_path"].endswith(".jpg")
    assert file["file_size"] == largest["file_size"] == len(image)
    url = f"{telegram.base_url}/file/bot{telegram.token}/{file['file_path']}"
    assert http.get(url).content == image
    assert http.get(f"{telegram.base_url}/file/bot1:nope/{file['file_path']}").status_code == 404
    # The Telegram node's file:get posts JSON.
    posted = http.post(_api(telegram, "getFile"), json={"file_id": sizes[0]["file_id"]}).json()
    assert http.get(f"{telegram.base_url}/file/bot{telegram.token}/{posted['result']['file_path']}")
    assert http.post(_api(telegram, "getFile"), json={"file_id": "nope"}).status_code == 400


def test_updates_wait_for_a_webhook_and_keep_their_order(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    first = telegram.fake.user_sends_text(CHAT, "one")
    second = telegram.fake.user_sends_text(CHAT, "two")
    assert (
        http.get(f"{telegram.base_url}/_fake/updates").json()["webhook"]["pending_update_count"]
        == 2
    )
    _hook(telegram, http, receiver)
    updates = _delivered(telegram, receiver, 2)
    assert [u["message"]["text"] for u in updates] == ["one", "two"]
    assert first["update_id"] < second["update_id"]
    assert first["message"]["message_id"] < second["message"]["message_id"]


def test_a_failing_webhook_is_retried_then_given_up(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    receiver.statuses.extend([500, 502])  # then 200
    _hook(telegram, http, receiver)
    telegram.fake.user_sends_text(CHAT, "hello")
    _delivered(telegram, receiver, 3)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    http.post(_api(telegram, "setWebhook"), json={"url": dead})
    telegram.fake.user_sends_text(CHAT, "lost")
    telegram.fake.wait_delivered(timeout=5)

    records = http.get(f"{telegram.base_url}/_fake/updates").json()["updates"]
    assert [(r["state"], [a["status"] for a in r["attempts"]]) for r in records] == [
        ("delivered", [500, 502, 200]),
        ("failed", [None, None, None]),
    ]
    info = http.get(_api(telegram, "getWebhookInfo")).json()["result"]
    assert info["last_error_message"].startswith("Connection failed")


def test_allowed_updates_and_dropped_pending_updates(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    telegram.fake.user_sends_text(CHAT, "before")
    body = {"url": receiver.url("/h"), "drop_pending_updates": True}
    http.post(_api(telegram, "setWebhook"), data={**body, "allowed_updates": '["callback_query"]'})
    telegram.fake.user_sends_text(CHAT, "filtered")
    telegram.fake.wait_delivered(timeout=5)
    states = [u["state"] for u in telegram.fake.updates.snapshot()]
    assert states == ["dropped", "filtered"]
    assert receiver.received == []


def test_an_album_shares_one_media_group_over_http(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    _hook(telegram, http, receiver)
    files = [("photo", (f"{n}.jpg", photo(400 + n, 300), "image/jpeg")) for n in range(3)]
    answer = http.post(
        f"{telegram.base_url}/_fake/users/{CHAT}/album", files=files, data={"caption": "set"}
    ).json()
    updates = _delivered(telegram, receiver, 3)
    assert [u["update_id"] for u in updates] == answer["update_ids"]
    messages = [u["message"] for u in updates]
    group = messages[0]["media_group_id"]
    assert isinstance(group, str) and group.isdigit()
    assert all(m["media_group_id"] == group for m in messages)
    assert [m.get("caption") for m in messages] == ["set", None, None]
    assert [m["photo"][-1]["width"] for m in messages] == [400, 401, 402]


def test_an_image_sent_as_a_file_is_a_document(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    _hook(telegram, http, receiver)
    image = photo(1000, 800, "PNG")
    url = f"{telegram.base_url}/_fake/users/{CHAT}/document?file_name=me.png&mime_type=image/png"
    http.post(url, content=image, headers={"content-type": "application/octet-stream"})
    [update] = _delivered(telegram, receiver, 1)
    document = update["message"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("me.png", "image/png")
    assert document["file_size"] == len(image)
    assert document["thumbnail"]["width"] == 320 and "photo" not in update["message"]
    path = http.get(_api(telegram, f"getFile?file_id={document['file_id']}")).json()["result"]
    download = http.get(f"{telegram.base_url}/file/bot{telegram.token}/{path['file_path']}")
    assert (download.content, download.headers["content-type"]) == (image, "image/png")


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("/train", [{"offset": 0, "length": 6, "type": "bot_command"}]),
        ("/generate a cat", [{"offset": 0, "length": 9, "type": "bot_command"}]),
        ("/start@calendary_kaizen_bot", [{"offset": 0, "length": 27, "type": "bot_command"}]),
        ("🙂 /help", [{"offset": 3, "length": 5, "type": "bot_command"}]),  # UTF-16 offsets
        ("just text, no /", None),
    ],
)
def test_commands_carry_bot_command_entities(
    telegram: RunningTelegram, http: httpx.Client, text: str, entities: list | None
) -> None:
    answer = http.post(f"{telegram.base_url}/_fake/users/{CHAT}/text", json={"text": text})
    [update] = answer.json()["updates"]
    assert update["message"]["text"] == text
    assert update["message"].get("entities") == entities


def test_get_updates_without_a_webhook(
    telegram: RunningTelegram, http: httpx.Client, receiver: StubSite
) -> None:
    sent = telegram.fake.user_sends_text(CHAT, "/train")
    polled = http.post(_api(telegram, "getUpdates"), json={"timeout": 1}).json()["result"]
    assert polled == [sent]
    confirmed = http.post(_api(telegram, "getUpdates"), json={"offset": sent["update_id"] + 1})
    assert confirmed.json()["result"] == []
    _hook(telegram, http, receiver)
    assert http.post(_api(telegram, "getUpdates")).status_code == 409


def test_send_photo_uploaded_as_n8n_does(telegram: RunningTelegram, http: httpx.Client) -> None:
    image = photo(800, 600)
    # n8n's binary mode: a multipart form, every field a string, reply_markup as JSON text.
    form = {"chat_id": str(CHAT), "caption": "result", "disable_notification": "false"}
    answer = http.post(
        _api(telegram, "sendPhoto"), data=form, files={"photo": ("g.jpg", image, "image/jpeg")}
    )
    message = answer.json()["result"]
    assert message["from"]["is_bot"] is True and message["chat"]["id"] == CHAT
    assert [p["width"] for p in message["photo"]] == [90, 320, 800]
    assert message["caption"] == "result"
    again = http.post(
        _api(telegram, "sendPhoto"),
        json={"chat_id": CHAT, "photo": message["photo"][-1]["file_id"]},
    ).json()["result"]
    assert again["photo"] == message["photo"]  # sent by file_id: the same file

    [ledger, by_id] = http.get(f"{telegram.base_url}/_fake/sent?chat_id={CHAT}").json()["sent"]
    assert ledger["kind"] == "photo" and ledger["photo_source"] == "upload"
    assert ledger["content_sha256"] == hashlib.sha256(image).hexdigest()
    assert (ledger["content_length"], ledger["photo_size"]) == (len(image), [800, 600])
    assert by_id["photo_source"] == "file_id"
    url = f"{telegram.base_url}/_fake/sent/{message['message_id']}/photo"
    assert http.get(url).content == image
    not_image = http.post(
        _api(telegram, "sendPhoto"), data=form, files={"photo": ("x.jpg", b"text", "image/jpeg")}
    )
    assert not_image.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


def test_send_document_and_chat_action(telegram: RunningTelegram, http: httpx.Client) -> None:
    document = http.post(
        _api(telegram, "sendDocument"),
        data={"chat_id": str(CHAT)},
        files={"document": ("index.md", b"# Chat\n", "text/markdown")},
    ).json()["result"]["document"]
    assert (document["file_name"], document["file_size"]) == ("index.md", 7)
    action = http.post(_api(telegram, "sendChatAction"), json={"chat_id": CHAT, "action": "typing"})
    assert action.json() == {"ok": True, "result": True}
    wrong = http.post(_api(telegram, "sendChatAction"), json={"chat_id": CHAT, "action": "dance"})
    assert wrong.status_code == 400


def test_markdown_as_n8n_sends_it(telegram: RunningTelegram, http: httpx.Client) -> None:
    # n8n's default: parse_mode Markdown and an attribution line with a link.
    text = (
        "Model *ready*\n\n_This message was sent automatically with _[n8n](https://n8n.io/?a_b=1)"
    )
    body = {"chat_id": CHAT, "text": text, "parse_mode": "Markdown"}
    shown = http.post(_api(telegram, "sendMessage"), json=body).json()["result"]["text"]
    assert shown == "Model ready\n\nThis message was sent automatically with n8n"
    broken = http.post(_api(telegram, "sendMessage"), json={**body, "text": "model_1 ready"})
    assert broken.json()["description"] == (
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5"
    )


def test_faults_can_target_one_method(telegram: RunningTelegram, http: httpx.Client) -> None:
    http.post(f"{telegram.base_url}/_fake/faults", json={"count": 1, "method": "sendMessage"})
    assert http.get(_api(telegram, "getMe")).status_code == 200
    failed = http.post(_api(telegram, "sendMessage"), json={"chat_id": CHAT, "text": "x"})
    assert failed.status_code == 500

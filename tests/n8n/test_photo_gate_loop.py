"""The photo gate through a real n8n: a /train refused by the photo checks answers the user with
the photos to replace ("Reply training refused" of docs/n8n/telegram-inbound.json), as HTML."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import photo
from tests.n8n.loop import Loop, running_loop, wait_for
from tests.n8n.test_loop import TEXTS, first_line, new_chat, sent, texts_like

pytestmark = [pytest.mark.n8n, pytest.mark.timeout(240)]
REFUSED = "Тренування не запущено: перевірку пройшли 0 фото, потрібно щонайменше 5."


@pytest.fixture(scope="module")
def loop(
    azurite_connection_string: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loop]:
    """The gate on, as deployed: the sample photos (gradients) have no face and all fail."""
    folder = tmp_path_factory.mktemp("gated-loop")
    with running_loop(azurite_connection_string, folder, photo_gate=True) as running:
        yield running


def test_a_refused_training_names_the_photos_to_replace(loop: Loop) -> None:
    chat = new_chat()
    loop.telegram.fake.user_sends_album(chat, [photo(chat + n) for n in range(5)])
    uploaded = texts_like(TEXTS["upload_complete"])
    wait_for(
        lambda: len([m for m in sent(loop, chat) if uploaded.match(first_line(m))]) == 5,
        60,
        "five upload confirmations",
        lambda: loop.diagnosis(chat),
    )
    loop.telegram.fake.user_sends_text(chat, "/train")

    reply = wait_for(
        lambda: next((m for m in sent(loop, chat) if m.text.startswith(REFUSED)), None),
        60,
        "the refusal",
        lambda: loop.diagnosis(chat),
    )
    assert reply.parse_mode == "HTML"
    lines = reply.text.split("\n")
    assert lines[0] == f"{REFUSED} Замініть ці фото:"
    names = {n.rsplit("/", 1)[1] for n in loop.blob_names(f"{chat}/upload/")}
    assert len(names) == 5
    # One line per photo: its file name, then every reason (the sample photos are small, too).
    photos = dict(line.removeprefix("• ").split(": ", 1) for line in lines[1:6])
    assert set(photos) == names
    assert all(reasons.startswith("no face found") for reasons in photos.values()), photos
    assert lines[6:] == ["Надішліть нові фото і знову /train."]  # noqa: RUF001 (Ukrainian)
    assert loop.replicate.fake.trainings() == []  # nothing was paid for

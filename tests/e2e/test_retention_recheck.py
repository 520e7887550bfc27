"""Retention and the same-person check (version 1.2): when photos expire, the ones left are
compared again, since their distances were measured against photos that are gone."""

from __future__ import annotations

from datetime import timedelta

from calendary.domain import paths
from tests.e2e.stack import Stack
from tests.e2e.test_retention import run_retention


def test_a_different_person_flag_goes_with_the_photos_it_was_measured_against(
    stack: Stack, chat_id: str
) -> None:
    s = stack
    s.upload_faces(chat_id, ("obama.jpg", "obama2.jpg", "obama3.jpg"))
    s.host.advance(timedelta(days=20))
    s.upload_faces(chat_id, ("biden.jpg",))  # a different person among Obama's photos
    before = s.status(chat_id)["photos"]
    assert (before["ok"], before["rejected"]) == (3, 1)
    assert "different person?" in s.read_blob(paths.index_blob_name(chat_id)).decode()

    s.host.advance(timedelta(days=11))  # Obama's photos are 31 days old, Biden's 11
    result = run_retention(s, chat_id)

    assert (result["photos"], result["rechecked"]) == (3, 1)
    after = s.status(chat_id)["photos"]
    assert (after["ok"], after["rejected"]) == (1, 0)  # no one left to differ from
    assert "different person?" not in s.read_blob(paths.index_blob_name(chat_id)).decode()
    assert run_retention(s, chat_id)["rechecked"] == 0  # nothing expired: nothing compared

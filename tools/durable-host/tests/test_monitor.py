"""The /monitor page in a real headless Chromium, driven with Playwright against the live host."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from devhost.testing import RunningHost
from durable_client import Durable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Markup in data must show as text and never run (the page builds its DOM with textContent).
HOSTILE = '<img src=x onerror="window.__injected = 1">'
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
WAIT = 15_000  # ms: the page refreshes every 2 s


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, host: RunningHost) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{host.base_url}/monitor?code={host.keys.system}")
    yield page
    context.close()
    assert errors == []


def row(page: Page, instance_id: str) -> Locator:
    return page.locator(f'#instances tbody tr[data-instance-id="{instance_id}"]')


def test_monitor_lists_shows_history_and_acts(page: Page, durable: Durable) -> None:
    tag = uuid.uuid4().hex[:8]
    ids = {k: f"mon-{k}-{tag}" for k in ("waiting", "done", "failed", "forever")}
    waiting = durable.start("with_status", None, ids["waiting"])
    done = durable.start("chaining", HOSTILE, ids["done"])
    failed = durable.start("failing", "x", ids["failed"])
    forever = durable.start("forever", None, ids["forever"])
    durable.wait_for(waiting, lambda s: s["customStatus"] == {"stage": "waiting"})
    assert durable.wait(done)["runtimeStatus"] == "Completed"
    assert durable.wait(failed)["runtimeStatus"] == "Failed"

    expected = {"waiting": "Running", "done": "Completed", "failed": "Failed", "forever": "Running"}
    for key, status in expected.items():
        expect(row(page, ids[key]).locator("td.runtime-status")).to_have_text(status, timeout=WAIT)
    waiting_row = row(page, ids["waiting"])
    expect(waiting_row.locator("td.name")).to_have_text("with_status")
    expect(waiting_row.locator("td.custom")).to_have_text('{"stage":"waiting"}')
    expect(waiting_row.locator("td.created")).to_have_text(DATE_TIME)
    assert int(row(page, ids["failed"]).locator("td.events").inner_text()) >= 5

    # The status filter narrows the table to one status.
    page.select_option("#status-filter", "Failed")
    expect(row(page, ids["waiting"])).to_have_count(0, timeout=WAIT)
    expect(row(page, ids["failed"])).to_have_count(1)
    statuses = page.locator("#instances tbody td.runtime-status").all_inner_texts()
    assert statuses and set(statuses) == {"Failed"}
    page.select_option("#status-filter", "")
    expect(row(page, ids["waiting"])).to_have_count(1, timeout=WAIT)

    # A failed instance's timeline shows the activity and the orchestrator's error.
    row(page, ids["failed"]).click()
    expect(page.locator("#detail-id")).to_have_text(ids["failed"], timeout=WAIT)
    timeline = page.locator("#timeline li")
    expect(timeline.first).to_have_attribute("data-event-type", "ExecutionStarted")
    expect(page.locator('#timeline li[data-event-type="TaskCompleted"] .what')).to_have_text(
        "say_hello"
    )
    last = page.locator('#timeline li[data-event-type="ExecutionCompleted"]')
    expect(last).to_have_class("failed")
    expect(last.locator(".result")).to_contain_text("bad input x")

    # User data is rendered as text: the markup shows literally and nothing ran.
    row(page, ids["done"]).click()
    expect(page.locator("#detail-id")).to_have_text(ids["done"], timeout=WAIT)
    # (Shown as JSON, so the quotes inside the markup appear escaped.)
    expect(page.locator("#detail-output")).to_contain_text("Hello <img src=x onerror=")
    expect(page.locator("#detail-input")).to_contain_text("<img src=x onerror=")
    assert page.locator("#detail img, #instances img").count() == 0
    assert page.evaluate("window.__injected") is None

    # Raise the awaited event from the page: the instance completes with the event's body.
    row(page, ids["waiting"]).click()
    expect(page.locator("#detail-custom")).to_contain_text('"stage": "waiting"', timeout=WAIT)
    page.fill("#event-name", "Continue")
    page.fill("#event-body", '{"approved": true, "by": "ops"}')
    page.click("#raise")
    expect(page.locator("#message")).to_have_text(f"Raised event 'Continue' on {ids['waiting']}")
    expect(waiting_row.locator("td.runtime-status")).to_have_text("Completed", timeout=WAIT)
    expect(page.locator("#detail-status")).to_have_text("Completed", timeout=WAIT)
    expect(page.locator('#timeline li[data-event-type="EventRaised"] .what')).to_have_text(
        "Continue"
    )
    expect(page.locator("#detail-custom")).to_contain_text('"stage": "done"')
    assert durable.wait(waiting)["output"] == {"approved": True, "by": "ops"}

    # Terminate with a reason.
    row(page, ids["forever"]).click()
    expect(page.locator("#detail-id")).to_have_text(ids["forever"], timeout=WAIT)
    page.fill("#terminate-reason", "stopped by ops")
    page.click("#terminate")
    expect(row(page, ids["forever"]).locator("td.runtime-status")).to_have_text(
        "Terminated", timeout=WAIT
    )
    terminated = durable.wait(forever)
    assert (terminated["runtimeStatus"], terminated["output"]) == ("Terminated", "stopped by ops")

    # Purge after confirming: the row goes away and the API no longer knows the instance.
    row(page, ids["done"]).click()
    expect(page.locator("#detail-id")).to_have_text(ids["done"], timeout=WAIT)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#purge")
    expect(row(page, ids["done"])).to_have_count(0, timeout=WAIT)
    expect(page.locator("#detail")).to_be_hidden()
    assert durable.status(done).status_code == 404


def test_monitor_list_api_and_assets(
    durable: Durable, http: httpx.Client, host: RunningHost
) -> None:
    links = durable.start("chaining", "Bo", f"mon-api-{uuid.uuid4().hex[:8]}")
    durable.wait(links)
    # The monitor shows every instance: like the durable API it takes the system key.
    key = {"x-functions-key": host.keys.system}
    assert http.get("/monitor/api/instances").status_code == 401
    assert http.get("/monitor").status_code == 401
    body = http.get("/monitor/api/instances", params={"status": "Completed"}, headers=key).json()
    item = next(i for i in body["instances"] if i["instanceId"] == links["id"])
    assert {i["runtimeStatus"] for i in body["instances"]} == {"Completed"}
    # Started, three activities scheduled and completed, completed: as the durable history counts.
    history = durable.status(links, showHistory="true").json()["historyEvents"]
    assert len(history) == 5
    assert item["historyEvents"] > len(history)  # the stored history also keeps scheduling rows
    assert item["lastReplayMs"] > 0
    bad = http.get("/monitor/api/instances", params={"status": "Sleeping"}, headers=key)
    assert bad.status_code == 400
    assert bad.json()["success"] is False
    page = http.get("/monitor", params={"code": host.keys.system})
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert http.get("/monitor/monitor.js").headers["content-type"].startswith("text/javascript")
    assert http.get("/monitor/state.db", headers=key).status_code == 404

"""Entities: the batch protocol, serialized per entity id, from clients and orchestrations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from durable_client import Durable

ENTITIES = "/runtime/webhooks/durabletask/entities"


def test_counter_under_100_concurrent_signals(durable: Durable) -> None:
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(
            pool.map(
                lambda _: durable.api("POST", "/api/counters/c100", json=1).status_code, range(100)
            )
        )
    assert codes == [202] * 100
    deadline_reads = 0
    value = None
    while value != 100 and deadline_reads < 1000:
        response = durable.api("GET", "/api/counters/c100")
        value = response.json() if response.status_code == 200 else None
        deadline_reads += 1
    assert value == 100
    # The durable API reads the same state.
    assert durable.webhook("GET", f"{ENTITIES}/counter/c100").json() == 100


def test_unknown_entity_state_is_404(durable: Durable) -> None:
    assert durable.api("GET", "/api/counters/never-touched").status_code == 404
    assert durable.webhook("GET", f"{ENTITIES}/counter/never-touched").status_code == 404


def test_orchestration_calls_and_signals_an_entity(durable: Durable) -> None:
    status = durable.wait(durable.start("counter_user", "from-orchestration"))
    assert status["output"] == {"value": 5, "error": "counter exploded"}


def test_signal_over_the_durable_api_and_list(durable: Durable) -> None:
    response = durable.webhook("POST", f"{ENTITIES}/Counter/listed", params={"op": "add"}, json="7")
    assert response.status_code == 202
    for _ in range(500):
        listed = durable.webhook("GET", f"{ENTITIES}/counter", params={"fetchState": "true"}).json()
        found = [e for e in listed if e["entityId"] == {"name": "counter", "key": "listed"}]
        if found:
            break
    assert found[0]["state"] == 7

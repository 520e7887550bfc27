"""An erase killed halfway (SIGKILL of the host) finishes after a restart on the same state.

The host runs as its own process with file-backed state. The erase is held inside one activity
(`cancel_chat_jobs`: the fake Replicate answers its list of trainings late), the host is killed
there, and a new host on the same state directory resumes the workflow from its history.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from azure.storage.blob import BlobServiceClient

from devhost.key_auth import KeyAuth
from devhost.testing import HostProcess, spawn_host
from tests.e2e.conftest import NEVER
from tests.e2e.stack import photo, photo_path
from tools.fakes.replicate.testing import RunningFake, StubSite

ROOT = Path(__file__).parents[2]
T = TypeVar("T")


def wait_for(check: Callable[[], T], timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.1)
    return value


@pytest.fixture
def env(fake: RunningFake, azurite_connection_string: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    return {
        "AzureWebJobsStorage": azurite_connection_string,
        "DataContainer": f"data{tag}",
        "TrainingsTable": f"Trainings{tag}",
        "GenerationsTable": f"Generations{tag}",
        "NotificationsQueue": f"notifications-{tag}",
        "ReplicateBaseUrl": fake.base_url,
        "ReplicateApiKey": fake.api_key,
        "ReplicateOwner": "kaizen",
        "ImageUrlAllowedHosts": "api.telegram.org,127.0.0.1",
        "MinImageSide": "64",
        "RetentionSchedule": NEVER,
    }


@pytest.fixture
def hosts(tmp_path: Path, env: dict[str, str]) -> Iterator[Callable[[], HostProcess]]:
    started: list[HostProcess] = []

    def start() -> HostProcess:
        host = spawn_host("function_app:app", tmp_path / "state", env=env, cwd=ROOT)
        started.append(host)
        return host

    yield start
    for host in started:
        host.stop()


def instances(http: httpx.Client, host: HostProcess, prefix: str) -> list[dict[str, Any]]:
    url = f"{host.base_url}/runtime/webhooks/durabletask/instances/"
    return http.get(url, params={"instanceIdPrefix": prefix}).json()


def test_an_erase_killed_halfway_finishes_after_a_restart(
    hosts: Callable[[], HostProcess],
    env: dict[str, str],
    fake: RunningFake,
    site: StubSite,
    chat_id: str,
    azurite_connection_string: str,
) -> None:
    container = BlobServiceClient.from_connection_string(
        azurite_connection_string
    ).get_container_client(env["DataContainer"])
    urls = []
    for n in (1, 2, 3):
        site.files[photo_path(n)] = photo(n)
        urls.append(site.url(photo_path(n)))
    host = hosts()
    with httpx.Client(timeout=60, auth=KeyAuth(host.keys)) as http:
        uploaded = http.post(
            f"{host.base_url}/api/UploadImages", json={"userId": chat_id, "imageUrls": urls}
        )
        assert uploaded.status_code == 200, uploaded.text
        assert len(list(container.list_blobs(name_starts_with=f"{chat_id}/upload/"))) == 3

        # The erase's Replicate step waits on the fake; the host dies right there.
        fake.fake.slow_requests(30, route="list_trainings", method="GET")
        with pytest.raises(httpx.HTTPError):
            http.delete(f"{host.base_url}/api/chats/{chat_id}", timeout=5)
        wait_for(lambda: not fake.fake._account.faults.requests)  # the call has arrived
        [erase] = instances(http, host, f"chat{chat_id}-erase-")
        assert erase["runtimeStatus"] == "Running"
        assert erase["customStatus"] == {"stage": "stopping"}
        host.kill()
        assert list(container.list_blobs(name_starts_with=f"{chat_id}/upload/"))  # not yet

        restarted = hosts()
        status_url = f"{restarted.base_url}/runtime/webhooks/durabletask/instances/"
        status_url += erase["instanceId"]

        def finished() -> dict[str, Any] | None:
            body = http.get(status_url).json()
            return body if body["runtimeStatus"] not in ("Running", "Pending") else None

        done = wait_for(finished)
        assert done["runtimeStatus"] == "Completed", done
        assert done["output"]["outcome"] == "erased"
        assert done["output"]["counts"]["blobs"] >= 3 + 1  # photos and index.md

        assert list(container.list_blobs(name_starts_with=f"{chat_id}/")) == []
        entity = f"{restarted.base_url}/runtime/webhooks/durabletask/entities/chat/{chat_id}"
        assert http.get(entity).status_code == 404
        # Only the erase's own history is left (its starter died); the retention timer purges it.
        assert [i["instanceId"] for i in instances(http, restarted, f"chat{chat_id}-")] == [
            erase["instanceId"]
        ]
        ran = http.post(f"{restarted.base_url}/admin/functions/apply_retention")
        assert ran.status_code == 202
        wait_for(lambda: instances(http, restarted, f"chat{chat_id}-") == [])

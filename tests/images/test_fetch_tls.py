"""https through the pinned address: the certificate is checked against the URL's host name."""

import ipaddress
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from calendary.domain.image_urls import ImageUrlPolicy
from calendary.images.addresses import IpAddress
from calendary.images.fetch import ImageFetcher, ImageFetchError
from tests.images.conftest import JPEG, _Handler
from tests.images.tls import make_tls

HOST = "images.example"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, object]]:
    server_ctx, client_ctx = make_tls(Path(tmp_path_factory.mktemp("tls")), HOST)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen_hosts = []  # type: ignore[attr-defined]
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], client_ctx
    server.shutdown()
    server.server_close()


async def to_loopback(host: str, port: int) -> list[IpAddress]:
    return [ipaddress.ip_address("127.0.0.1")]


async def test_https_download_verifies_the_name_on_the_pinned_address(tls_server) -> None:
    port, client_ctx = tls_server
    policy = ImageUrlPolicy.from_setting(f"{HOST}:*,127.0.0.1")
    f = ImageFetcher(policy, resolver=to_loopback, verify=client_ctx)
    image = await f.fetch(f"https://{HOST}:{port}/photo.jpg")
    await f.aclose()
    assert image.data == JPEG


async def test_a_certificate_for_another_name_is_refused(tls_server) -> None:
    port, client_ctx = tls_server
    policy = ImageUrlPolicy.from_setting("other.example:*,127.0.0.1")
    f = ImageFetcher(policy, resolver=to_loopback, verify=client_ctx)
    with pytest.raises(ImageFetchError) as info:
        await f.fetch(f"https://other.example:{port}/photo.jpg")
    await f.aclose()
    assert (info.value.reason, info.value.transient) == ("network", False)
    assert str(info.value) == "the image server's certificate is not valid"

"""Downloading photos: allow-listed addresses only, no redirects, size and time limits."""

import ipaddress
from http.server import ThreadingHTTPServer

import pytest

from calendary.domain.image_urls import ImageUrlPolicy
from calendary.images.addresses import IpAddress, refusal
from calendary.images.fetch import FetchLimits, ImageFetcher, ImageFetchError
from tests.images.conftest import JPEG

LOCAL = ImageUrlPolicy.from_setting("127.0.0.1")
TOKEN = "123456:AAHabcdefghijklmnopqrstuvwxyz"


def fetcher(policy: ImageUrlPolicy = LOCAL, **limits: float) -> ImageFetcher:
    return ImageFetcher(policy, FetchLimits(**limits))  # type: ignore[arg-type]


async def failure(f: ImageFetcher, url: str) -> ImageFetchError:
    with pytest.raises(ImageFetchError) as info:
        await f.fetch(url)
    await f.aclose()
    assert "127.0.0.1" not in str(info.value)
    assert TOKEN not in str(info.value)
    return info.value


async def test_downloads_an_allow_listed_local_image(base_url: str) -> None:
    f = fetcher()
    image = await f.fetch(f"{base_url}/photo.jpg")
    await f.aclose()
    assert image.data == JPEG
    assert image.content_type == "image/jpeg"


async def test_connects_to_the_checked_address_and_sends_the_original_host(
    image_server: ThreadingHTTPServer,
) -> None:
    port = image_server.server_address[1]
    policy = ImageUrlPolicy.from_setting("localhost,127.0.0.1")

    async def only_loopback(host: str, port: int) -> list[IpAddress]:
        return [ipaddress.ip_address("127.0.0.1")]

    f = ImageFetcher(policy, resolver=only_loopback)
    image = await f.fetch(f"http://localhost:{port}/photo.jpg")
    await f.aclose()
    assert image.data == JPEG
    assert image_server.seen_hosts[-1] == f"localhost:{port}"  # type: ignore[attr-defined]


async def test_a_redirect_is_an_error(base_url: str) -> None:
    error = await failure(fetcher(), f"{base_url}/redirect")
    assert (error.reason, error.transient) == ("redirect", False)


async def test_oversize_is_refused_by_header_and_by_counting(base_url: str) -> None:
    declared = await failure(fetcher(max_bytes=100_000), f"{base_url}/declared-huge")
    assert declared.reason == "too_large"
    counted = await failure(fetcher(max_bytes=100_000), f"{base_url}/undeclared-huge")
    assert counted.reason == "too_large"


async def test_slow_servers_time_out(base_url: str) -> None:
    stalled = await failure(fetcher(read_timeout=0.3), f"{base_url}/stall")
    assert (stalled.reason, stalled.transient) == ("timeout", True)
    trickle = await failure(fetcher(read_timeout=1.0, total_timeout=0.5), f"{base_url}/trickle")
    assert (trickle.reason, trickle.transient) == ("timeout", True)


async def test_http_errors_separate_transient_from_permanent(base_url: str) -> None:
    missing = await failure(fetcher(), f"{base_url}/missing")
    assert (missing.reason, missing.transient) == ("http_status", False)
    broken = await failure(fetcher(), f"{base_url}/broken")
    assert (broken.reason, broken.transient) == ("http_status", True)


async def test_non_image_content_is_downloaded_for_the_decoder_to_refuse(base_url: str) -> None:
    f = fetcher()
    fetched = await f.fetch(f"{base_url}/text")
    await f.aclose()
    assert fetched.content_type == "text/html"


async def test_loopback_is_refused_unless_the_address_is_allow_listed(
    image_server: ThreadingHTTPServer,
) -> None:
    port = image_server.server_address[1]
    # `localhost` is allowed as a name, but what it resolves to (127.0.0.1) is not.
    error = await failure(
        fetcher(ImageUrlPolicy.from_setting("localhost")), f"http://localhost:{port}/photo.jpg"
    )
    assert error.reason == "address_refused"
    f = fetcher(ImageUrlPolicy.from_setting("localhost,127.0.0.1,::1"))
    assert (await f.fetch(f"http://localhost:{port}/photo.jpg")).data == JPEG
    await f.aclose()


async def test_a_public_name_resolving_inside_is_refused() -> None:
    policy = ImageUrlPolicy.from_setting("api.telegram.org")

    async def rebinding(host: str, port: int) -> list[IpAddress]:
        return [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.5")]

    f = ImageFetcher(policy, resolver=rebinding)
    error = await failure(f, f"https://api.telegram.org/file/bot{TOKEN}/photos/a.jpg")
    assert error.reason == "address_refused"


async def test_refused_urls_never_reach_the_network() -> None:
    error = await failure(fetcher(), f"https://api.telegram.org/file/bot{TOKEN}/a.jpg")
    assert error.reason == "url_refused"
    metadata = ImageUrlPolicy.from_setting("169.254.169.254")
    error = await failure(fetcher(metadata), "https://169.254.169.254/latest/meta-data")
    assert (error.reason, str(error)) == (
        "address_refused",
        "the image host resolves to a metadata address",
    )


@pytest.mark.parametrize(
    ("address", "allowed", "expected"),
    [
        ("8.8.8.8", "", None),
        ("2001:4860:4860::8888", "", None),
        ("10.1.2.3", "", "non-public address"),
        ("192.168.0.1", "", "non-public address"),
        ("100.64.0.1", "", "non-public address"),
        ("127.0.0.1", "", "non-public address"),
        ("127.0.0.1", "127.0.0.1", None),
        ("::1", "", "non-public address"),
        ("::ffff:127.0.0.1", "", "non-public address"),
        ("fe80::1", "", "non-public address"),
        ("224.0.0.1", "", "non-public address"),
        ("0.0.0.0", "", "non-public address"),  # noqa: S104 - an address under test
        ("240.0.0.1", "", "non-public address"),
        ("169.254.169.254", "169.254.169.254", "metadata address"),
        ("fd00:ec2::254", "fd00:ec2::254", "metadata address"),
        ("::ffff:169.254.169.254", "", "metadata address"),
    ],
)
def test_address_rules(address: str, allowed: str, expected: str | None) -> None:
    allow = frozenset({allowed} if allowed else set())
    assert refusal(ipaddress.ip_address(address), allow) == expected


async def test_fetcher_from_settings_uses_the_app_settings(base_url: str) -> None:
    from calendary.images.fetch import fetcher_from_settings
    from calendary.settings import Settings

    settings = Settings(ImageUrlAllowedHosts="127.0.0.1", MaxImageBytes=100_000)
    f = fetcher_from_settings(settings)
    assert (await f.fetch(f"{base_url}/photo.jpg")).data == JPEG
    error = await failure(f, f"{base_url}/undeclared-huge")
    assert error.reason == "too_large"
    strict = fetcher_from_settings(Settings(ImageUrlAllowedHosts="api.telegram.org"))
    assert (await failure(strict, f"{base_url}/photo.jpg")).reason == "url_refused"

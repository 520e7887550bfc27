"""Image URL checks: https on allowed hosts only, refusals that never echo the URL, redaction."""

import pytest

from calendary.domain.image_urls import ImageUrlError, ImageUrlPolicy, check_image_url, redact_url

POLICY = ImageUrlPolicy.from_setting("api.telegram.org, cdn.example.com:8443, 127.0.0.1")
TOKEN = "123456:AAHfakefakefakefakefakefakefake"


def test_allowed_https_url_passes() -> None:
    checked = check_image_url(f"https://api.telegram.org/file/bot{TOKEN}/p/1.jpg", POLICY)
    assert (checked.scheme, checked.host, checked.port) == ("https", "api.telegram.org", 443)
    assert check_image_url("https://cdn.example.com:8443/a.jpg", POLICY).port == 8443
    assert check_image_url("http://127.0.0.1:51234/a.jpg", POLICY).port == 51234


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://api.telegram.org/a.jpg", "https"),
        ("ftp://api.telegram.org/a.jpg", "https"),
        ("https://evil.example.org/a.jpg", "not allowed"),
        ("https://api.telegram.org.evil.org/a.jpg", "not allowed"),
        ("https://user:pw@api.telegram.org/a.jpg", "credentials"),
        ("https://api.telegram.org:8443/a.jpg", "port"),
        ("https://cdn.example.com:9000/a.jpg", "port"),
        ("https:///a.jpg", "no host"),
        ("https://api.telegram.org:99999/a.jpg", "malformed"),
    ],
)
def test_refused_urls_say_why_without_echoing_the_url(url: str, reason: str) -> None:
    with pytest.raises(ImageUrlError) as info:
        check_image_url(url, POLICY)
    assert reason in str(info.value)
    assert "telegram" not in str(info.value)


def test_redact_drops_query_fragment_credentials_and_bot_token() -> None:
    url = f"https://u:p@api.telegram.org/file/bot{TOKEN}/photos/f.jpg?sig=abc&se=1#x"
    assert redact_url(url) == "https://api.telegram.org/file/bot<redacted>/photos/f.jpg"
    assert redact_url("https://h/bottles/b.jpg?x=1") == "https://h/bottles/b.jpg"
    encoded = "https://api.telegram.org/file/bot123%3AAAH/x.jpg"
    assert "AAH" not in redact_url(encoded)


def test_urls_inside_text_lose_queries_and_tokens() -> None:
    from calendary.domain.image_urls import redact_urls_in

    text = (
        "400 Client Error for url: https://acct.blob.core.windows.net/data/1/archive.zip"
        "?sv=2026&sig=abc%2Fdef and https://api.telegram.org/file/bot123:ABCdef_ghi/p.jpg."
    )
    clean = redact_urls_in(text)
    assert "sig=" not in clean and "123:ABC" not in clean
    assert "https://acct.blob.core.windows.net/data/1/archive.zip" in clean
    assert clean.startswith("400 Client Error for url: ")

"""Which image URLs we agree to fetch, and how any URL is written to logs and records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

LOCAL_HOSTS: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1"})
_DEFAULT_PORTS = {"https": 443, "http": 80}
# Telegram file URLs carry the bot token as a path segment: /file/bot<token>/<path>.
_BOT_TOKEN_SEGMENT = re.compile(r"/bot[0-9]+(?::|%3[aA])[^/]*")


class ImageUrlError(ValueError):
    """A URL we refuse. The message is safe to show to users: it never repeats the URL."""


@dataclass(frozen=True)
class ImageUrlPolicy:
    """Allow-list from `ImageUrlAllowedHosts`: entries are `host`, `host:port` or `host:*`.

    A bare host allows the scheme's default port only, except loopback hosts, which allow any
    port (local test servers and the local stack listen on chosen ports). Plain http is allowed
    only for allow-listed loopback hosts.
    """

    allowed_hosts: frozenset[str]

    @classmethod
    def from_setting(cls, value: str) -> ImageUrlPolicy:
        entries = (e.strip().lower() for e in value.split(","))
        return cls(frozenset(e for e in entries if e))

    def _host_entries(self) -> dict[str, set[str]]:
        by_host: dict[str, set[str]] = {}
        for entry in self.allowed_hosts:
            host, port = entry, ""
            if entry.startswith("["):  # [v6]:port
                host, _, rest = entry[1:].partition("]")
                port = rest.removeprefix(":")
            elif entry.count(":") == 1:
                host, port = entry.split(":")
            by_host.setdefault(host, set()).add(port)
        return by_host

    def host_allowed(self, host: str) -> bool:
        return host.lower() in self._host_entries()

    def port_allowed(self, host: str, scheme: str, port: int | None) -> bool:
        ports = self._host_entries().get(host.lower(), set())
        if port is None or port == _DEFAULT_PORTS[scheme]:
            return True
        return host.lower() in LOCAL_HOSTS or "*" in ports or str(port) in ports


@dataclass(frozen=True)
class CheckedUrl:
    url: str
    scheme: str
    host: str
    port: int


def check_image_url(url: str, policy: ImageUrlPolicy) -> CheckedUrl:
    """Syntax and allow-list checks; address checks happen at fetch time, after DNS."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ImageUrlError("the image URL is malformed") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS:
        raise ImageUrlError("the image URL must use https")
    if not host:
        raise ImageUrlError("the image URL has no host")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ImageUrlError("the image URL must not carry credentials")
    if not policy.host_allowed(host):
        raise ImageUrlError("the image host is not allowed")
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise ImageUrlError("the image URL must use https")
    if not policy.port_allowed(host, scheme, port):
        raise ImageUrlError("the image URL uses a port that is not allowed")
    return CheckedUrl(
        url=url.strip(), scheme=scheme, host=host, port=port or _DEFAULT_PORTS[scheme]
    )


def redact_url(url: str) -> str:
    """The URL fit for logs and records: no query (SAS), fragment, credentials or bot token."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed url>"
    netloc = parts.netloc.rpartition("@")[2]
    path = _BOT_TOKEN_SEGMENT.sub("/bot<redacted>", parts.path)
    return urlunsplit(SplitResult(parts.scheme, netloc, path, "", ""))


_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]+")


def redact_urls_in(text: str) -> str:
    """Every URL inside free text (e.g. an error Replicate reports) as `redact_url` leaves it."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def telegram_file_url(api_base_url: str, bot_token: str, file_path: str) -> str:
    """Telegram's download link for a `getFile` path: `{base}/file/bot<token>/<path>`.

    A secret like the token it contains: kept out of workflow inputs, logs and answers.
    """
    return f"{api_base_url.rstrip('/')}/file/bot{bot_token}/{file_path.lstrip('/')}"

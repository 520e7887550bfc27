"""A local image server on an ephemeral port, with routes for each failure mode."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.images.samples import photo

JPEG = photo()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _send(self, status: int, body: bytes, content_type: str = "image/jpeg", **headers: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.seen_hosts.append(self.headers.get("Host"))  # type: ignore[attr-defined]
        path = self.path
        if path == "/photo.jpg":
            self._send(200, JPEG)
        elif path == "/redirect":
            self._send(302, b"", Location="/photo.jpg")
        elif path == "/missing":
            self._send(404, b"no")
        elif path == "/broken":
            self._send(503, b"later")
        elif path == "/text":
            self._send(200, b"<html>not an image</html>", "text/html")
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(b"x" * 1024)
        elif path == "/undeclared-huge":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(200):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        elif path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"z")
            self.wfile.flush()
            time.sleep(3)
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"t")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        else:
            self._send(404, b"")


@pytest.fixture(scope="session")
def image_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.seen_hosts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def base_url(image_server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{image_server.server_address[1]}"

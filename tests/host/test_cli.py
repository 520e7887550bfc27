"""`python -m devhost` serves this project's function app from the repository root."""

from __future__ import annotations

from pathlib import Path

import httpx

from devhost.testing import spawn_host

ROOT = Path(__file__).resolve().parents[2]


def test_cli_serves_the_product_app(tmp_path: Path) -> None:
    host = spawn_host("function_app:app", tmp_path, cwd=ROOT)
    try:
        response = httpx.get(f"{host.base_url}/api/health")
    finally:
        host.stop()
    assert response.status_code == 200
    assert response.json()["data"] == {"status": "ok"}

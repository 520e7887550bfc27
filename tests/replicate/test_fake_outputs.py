"""The fake Replicate's chosen output images: rules by model, prompt part or seed, newest first."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.replicate.test_fake_replicate import TOKEN, make_version
from tools.fakes.replicate.testing import RunningFake, StubSite

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
async def api(fake: RunningFake) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.origin, headers=TOKEN) as http:
        yield http


def solid(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(out, "PNG")
    return out.getvalue()


async def output_of(api: httpx.AsyncClient, version: str, **inputs: object) -> Image.Image:
    done = await api.post(
        "/v1/predictions",
        json={"version": version, "input": {"output_format": "png", **inputs}},
        headers={"Prefer": "wait=5"},
    )
    [url] = done.json()["output"]
    return Image.open(io.BytesIO((await api.get(url)).content)).convert("RGB")


async def test_a_chosen_image_is_fitted_to_the_requested_output(
    api: httpx.AsyncClient,
    fake: RunningFake,
    site: StubSite,
    tmp_path: Path,
) -> None:
    version = await make_version(api, fake, site, "faces")
    blue = tmp_path / "blue.png"
    blue.write_bytes(solid(BLUE))
    fake.fake.set_output_image(solid(RED), model="local/faces")
    fake.fake.set_output_image(blue, prompt="sea", seed=2)  # a path; newer, so it wins

    red = await output_of(api, version, prompt="TOK at sea", seed=1, aspect_ratio="16:9")
    assert red.size == (1360, 768)  # the FLUX size of 16:9, not the chosen image's
    assert red.getpixel((680, 384)) == RED
    assert (await output_of(api, version, prompt="TOK at sea", seed=2)).getpixel((512, 512)) == BLUE
    assert (await output_of(api, version, prompt="TOK in town", seed=2)).getpixel((512, 512)) == RED

    fake.fake.clear_output_images()
    drawn = await output_of(api, version, prompt="TOK at sea", seed=1)
    assert drawn.getpixel((512, 512)) not in (RED, BLUE)  # the stand-in gradient again


async def test_control_api_takes_an_image_path(
    api: httpx.AsyncClient,
    fake: RunningFake,
    site: StubSite,
    tmp_path: Path,
) -> None:
    version = await make_version(api, fake, site, "paths")
    red = tmp_path / "red.png"
    red.write_bytes(solid(RED))
    async with httpx.AsyncClient(base_url=fake.origin) as control:
        missing = await control.post("/_fake/outputs", json={"path": str(tmp_path / "none.png")})
        assert missing.status_code == 400 and "cannot read" in missing.json()["error"]
        added = await control.post("/_fake/outputs", json={"path": str(red), "seed": 5})
        assert added.status_code == 201
        assert (await output_of(api, version, prompt="TOK", seed=5)).getpixel((512, 512)) == RED
        assert (await control.delete("/_fake/outputs")).status_code == 200
    assert (await output_of(api, version, prompt="TOK", seed=5)).getpixel((512, 512)) != RED

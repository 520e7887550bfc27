"""Photo checks: model load once per process, one 12-megapixel JPEG, a 20-photo set, peak memory.

`python -m bench.photo_checks` prints a markdown table (numbers for docs/performance.md). The
photos are face_recognition 1.3.0's test portraits (`make faces`), scaled to 12 MP for the
single-photo figure; the set is 20 photos of 2-3 MP cycled from them.
"""

from __future__ import annotations

import io
import resource
import statistics
import time

from PIL import Image

from calendary.faces.compare import distances_from_the_others
from calendary.faces.measure import measure_photo
from calendary.faces.models import face_models
from tests.faces.photos import jpeg, real

NAMES = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"]


def _twelve_megapixels() -> bytes:
    face = real("obama.jpg")
    width = 3000
    return jpeg(face.resize((width, round(face.height * width / face.width)), Image.LANCZOS))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    started = time.perf_counter()
    face_models()
    load = time.perf_counter() - started

    big = _twelve_megapixels()
    singles = []
    for _ in range(10):
        t = time.perf_counter()
        measure_photo(big)
        singles.append(time.perf_counter() - t)

    photos = [jpeg(real(NAMES[i % len(NAMES)])) for i in range(20)]
    sets = []
    for _ in range(5):
        t = time.perf_counter()
        embeddings = {str(i): measure_photo(p).embedding for i, p in enumerate(photos)}
        distances_from_the_others({k: v for k, v in embeddings.items() if v})
        sets.append(time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = Image.open(io.BytesIO(big)).size
    print("| measure | median | p95 |")
    print("|---|---|---|")
    print(f"| model load, once per process | {load:.2f} s | |")
    print(
        f"| one {size[0]}x{size[1]} JPEG ({len(big) // 1024} KiB) | "
        f"{statistics.median(singles):.3f} s | {_p95(singles):.3f} s |"
    )
    print(
        f"| 20-photo set, one worker, analysis + same-person check | "
        f"{statistics.median(sets):.2f} s | {_p95(sets):.2f} s |"
    )
    print(f"| peak memory of the process (RSS) | {peak:.0f} MiB | |")


if __name__ == "__main__":
    main()

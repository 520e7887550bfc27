"""Where face measurements run: one thread per process, apart from the shared thread pool.

dlib's models take one caller at a time. With the measurements on the event loop's default pool,
analyses of a ten-photo album took its threads only to wait for each other, while HTTP functions
and I/O activities (blob reads and writes, downloads) queued behind them. Here the waiting ones are
coroutines, and one core stays free for everything else (a Functions worker has one or two).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calendary.faces.measure import FaceMeasure

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faces")  # threads start on use


async def measure(data: bytes) -> FaceMeasure:
    """`measure_photo` on the faces thread; raises PIL's errors for data that is not an image."""
    from calendary.faces.measure import measure_photo  # numpy and dlib: loaded on first use

    return await asyncio.get_running_loop().run_in_executor(_worker, measure_photo, data)

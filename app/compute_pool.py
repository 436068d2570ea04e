"""A fixed number of slots for heavy computations (appraisals); a request that cannot have one
within a short wait is answered 503 with `Retry-After` instead of queueing without end."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request

from app.problems import ServerBusy


class ComputePool:
    def __init__(self, slots: int, wait_seconds: float) -> None:
        self.slots = slots
        self.wait_seconds = wait_seconds
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(timeout=self.wait_seconds):
            retry_after = max(1, math.ceil(self.wait_seconds))
            raise ServerBusy(
                f"All {self.slots} computation slots are busy; try again in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )
        try:
            yield
        finally:
            self._free.release()


def compute_slot(request: Request) -> Iterator[None]:
    """Hold one of the app's slots while the handler computes."""
    pool: ComputePool = request.app.state.compute_pool
    with pool.slot():
        yield


# "function" scope: the slot is freed as soon as the handler returns, not after the response.
ComputeSlotDep = Annotated[None, Depends(compute_slot, scope="function")]

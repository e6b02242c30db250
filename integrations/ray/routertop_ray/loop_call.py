"""Runs a short function on the router's event loop from the bridge's threads, never waiting past a deadline."""

import asyncio
import concurrent.futures
from typing import Callable, Optional, TypeVar

T = TypeVar("T")

LOOP_DEADLINE_S = 0.5


class LoopStalled(Exception):
    """The router's loop did not run the function within the deadline."""


class LoopCaller:
    """Knows the router's loop once a hook has run on it."""

    def __init__(self) -> None:
        self.loop: Optional[asyncio.AbstractEventLoop] = None

    def seen(self) -> None:
        """Called from hooks on the loop: remembers which loop routes."""
        if self.loop is None:
            try:
                self.loop = asyncio.get_running_loop()
            except RuntimeError:
                pass

    def call(self, function: Callable[[], T], deadline_s: float = LOOP_DEADLINE_S, cancel_late: bool = True) -> T:
        """`function()` run on the loop; raises `LoopStalled` when it did not run in time.

        Before the loop is known (nothing has been routed) or once it stopped, nothing else touches the
        router, so the function runs here. With `cancel_late` false a late function still runs when the
        loop comes back (a settings change already journaled must still apply).
        """
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return function()
        future: "concurrent.futures.Future[T]" = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(function())
            except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
                future.set_exception(error)

        loop.call_soon_threadsafe(run)
        try:
            return future.result(deadline_s)
        except concurrent.futures.TimeoutError:
            if cancel_late:
                future.cancel()
            raise LoopStalled(f"router loop stalled: no answer within {deadline_s} s") from None

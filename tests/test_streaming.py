"""A growing answer is shown by editing one message no more than once per interval."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

from bot.messages import Reply
from bot.streaming import ThrottledEditor


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Chunks:
    """A stream whose chunks arrive 0.3 s apart on the fake clock."""

    def __init__(self, pieces: list[str], clock: FakeClock) -> None:
        self.pieces, self.clock = pieces, clock
        self.final = Reply("".join(pieces) + "\n\nSources: [1]")

    async def __aiter__(self) -> AsyncIterator[str]:
        for piece in self.pieces:
            self.clock.now += 0.3
            yield piece


async def test_edits_are_throttled_to_one_per_interval() -> None:
    clock = FakeClock()
    sent: list[str] = []
    edits: list[tuple[float, str]] = []

    async def send(text: str) -> int:
        sent.append(text)
        return 1

    async def edit(handle: int, text: str) -> None:
        edits.append((clock.now, text))

    editor = ThrottledEditor(send, edit, interval=1.0, monotonic=clock)
    stream = Chunks([f"word{n} " for n in range(20)], clock)  # 6 seconds of chunks
    final = await editor.show(stream)

    assert sent == ["word0 …"]
    assert 4 <= len(edits) <= 6  # one per second, not one per chunk (20)
    times = [when for when, _ in edits]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert edits[-1][1].startswith("word0 word1") and final.text.endswith("Sources: [1]")


async def test_nothing_is_sent_for_an_empty_stream() -> None:
    clock = FakeClock()
    editor = ThrottledEditor(lambda text: None, lambda h, t: None, monotonic=clock)  # type: ignore[arg-type,return-value]
    stream = Chunks([], clock)
    assert (await editor.show(stream)).text.startswith("\n\nSources")
    assert editor.handle is None

"""What every timeline of the stand-in shares: frames served one after another, and a watch's true lines."""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar


class _Frame(Protocol):
    @property
    def changes(self) -> list[dict[str, Any]]: ...


FrameT = TypeVar("FrameT", bound=_Frame)


class FrameTimeline(Generic[FrameT]):
    """Frames of something FTL shows as it moves on; ``advance()`` moves what ``install``-ed
    servers serve to the next frame. A subclass says how a server serves a frame (``serve``) and
    what a watch's first line is (``snapshot_line``)."""

    def __init__(self, frames: list[FrameT]) -> None:
        self.frames = frames
        self.index = 0
        self._servers: list[Any] = []

    @property
    def frame(self) -> FrameT:
        return self.frames[self.index]

    def serve(self, server: Any, frame: FrameT) -> None:
        raise NotImplementedError

    def snapshot_line(self) -> dict[str, Any]:
        """The first line of a watch started at frame 0 (``at`` left out)."""
        raise NotImplementedError

    def install(self, server: Any) -> None:
        """Serve the current frame on ``server`` (a FakeFtlServer), and every later one as it comes."""
        self._servers.append(server)
        self.serve(server, self.frame)

    def advance(self) -> bool:
        """Move to the next frame; False when the last frame is already served."""
        if self.index + 1 >= len(self.frames):
            return False
        self.index += 1
        for server in self._servers:
            self.serve(server, self.frame)
        return True

    def expected_lines(self) -> list[dict[str, Any]]:
        """Every line a watch from frame 0 to the end writes, in order (``at`` left out)."""
        return [self.snapshot_line()] + [change for frame in self.frames[1:] for change in frame.changes]

"""A whole event that unfolds frame by frame, with the true change lines of every step (for watch tests).

From a generated finished event (its final state): frame 0 shows its first pool round at that
round's own frame 0 and nothing else on the tab bar. The first round then unfolds as its
``RoundTimeline`` does; each later round appears on the tab bar (a frame of its own) and unfolds
likewise; then the DE tableau appears and unfolds as its ``TableauTimeline`` does; the last frame
publishes the final results. The change lines of each frame are the round's or tableau's own
timeline's, and those of the event's steps, written here from what the step did.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .event import FakeEvent
from .frames import FrameTimeline
from .tableau import FakeTableau
from .tableau_timeline import TableauTimeline
from .timeline import RoundTimeline
from .tournament import FakeTournament, FakeTournamentEvent


@dataclasses.dataclass(frozen=True)
class EventFrame:
    """What FTL serves at one moment (a tournament of the one event), and the change lines that
    led here from the frame before."""

    tournament: FakeTournament
    changes: list[dict[str, Any]]

    @property
    def event(self) -> FakeTournamentEvent:
        return self.tournament.events[0]


class EventTimeline(FrameTimeline[EventFrame]):
    """Frames of one event (``FrameTimeline``)."""

    def __init__(
        self, tournament: FakeTournament, *, bouts_per_frame: int = 3, steps_per_frame: int = 2
    ) -> None:
        if len(tournament.events) != 1 or tournament.events[0].final_results is None:
            raise ValueError("an event timeline unfolds a tournament of one finished event")
        self.tournament = tournament
        self.final = tournament.events[0]
        self.round_timelines = [
            RoundTimeline(pool_round, bouts_per_frame=bouts_per_frame) for pool_round in self.final.rounds
        ]
        self.tableau_timelines = [
            TableauTimeline(tableau, steps_per_frame=steps_per_frame) for tableau in self.final.tableaus
        ]
        super().__init__(self._build_frames())

    @property
    def event_id(self) -> str:
        return self.final.event_id

    def serve(self, server: Any, frame: EventFrame) -> None:
        server.add_tournament(frame.tournament)

    def bundle_at(self, index: int) -> dict[str, Any]:
        """The event's bundle as a correct crawl of frame ``index`` exports it."""
        return self.frames[index].event.expected_bundle(self.frames[index].tournament)

    def snapshot_line(self) -> dict[str, Any]:
        """The first line of a watch started at frame 0 (``at`` left out)."""
        return {"event_id": self.event_id, "type": "snapshot", "bundle": self.bundle_at(0)}

    def first_frame_showing(self, part_id: str) -> int:
        """The first frame whose tab bar links this pool round or tableau."""
        for index, frame in enumerate(self.frames):
            shown = [pool_round.pool_round_id for pool_round in frame.event.rounds] + frame.event.tableau_ids
            if part_id in shown:
                return index
        raise ValueError(f"{part_id} never appears")

    def _build_frames(self) -> list[EventFrame]:
        rounds: list[FakeEvent] = [self.round_timelines[0].frames[0].event]
        tableaus: list[FakeTableau] = []
        frames = [self._frame(rounds, tableaus, published=False, changes=[])]
        for number, round_timeline in enumerate(self.round_timelines, start=1):
            if number > 1:
                rounds.append(round_timeline.frames[0].event)
                bundle = round_timeline.frames[0].event.expected_bundle() | {"round_number": number}
                appeared = {
                    "event_id": self.event_id,
                    "pool_round_id": round_timeline.final.pool_round_id,
                    "type": "pool_round_appeared",
                    "bundle": bundle,
                }
                frames.append(self._frame(rounds, tableaus, published=False, changes=[appeared]))
            for round_frame in round_timeline.frames[1:]:
                rounds[-1] = round_frame.event
                frames.append(self._frame(rounds, tableaus, published=False, changes=round_frame.changes))
        for tableau_timeline in self.tableau_timelines:
            first = tableau_timeline.frames[0].tableau
            tableaus.append(first)
            appeared = {
                "event_id": self.event_id,
                "tableau_id": first.tableau_id,
                "type": "tableau_appeared",
                "bundle": first.expected_bundle(),
            }
            frames.append(self._frame(rounds, tableaus, published=False, changes=[appeared]))
            for tableau_frame in tableau_timeline.frames[1:]:
                tableaus[-1] = tableau_frame.tableau
                frames.append(self._frame(rounds, tableaus, published=False, changes=tableau_frame.changes))
        assert self.final.final_results is not None
        published = {
            "event_id": self.event_id,
            "type": "final_results_published",
            "final_results": [result.model_dump(mode="json") for result in self.final.final_results],
        }
        frames.append(self._frame(rounds, tableaus, published=True, changes=[published]))
        return frames

    def _frame(
        self,
        rounds: list[FakeEvent],
        tableaus: list[FakeTableau],
        *,
        published: bool,
        changes: list[dict[str, Any]],
    ) -> EventFrame:
        event = dataclasses.replace(
            self.final,
            rounds=list(rounds),
            tableaus=list(tableaus),
            final_results_json=self.final.final_results_json if published else None,
            final_results=self.final.final_results if published else None,
        )
        return EventFrame(dataclasses.replace(self.tournament, events=[event]), changes)

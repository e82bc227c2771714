"""Which assembly a bundle pipeline folds a page into: one per round, and in a watch one per poll."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from ftl_scraper.watch.polling import PollPlan

Assembly = TypeVar("Assembly")
Key = TypeVar("Key", bound=Hashable)


class PollAssemblies(Generic[Key, Assembly]):
    """The open assemblies of a bundle pipeline, by round (or tableau), whatever the bundle kind.

    Without a poll plan (a crawl), a round gets one assembly and, once its bundle is out, no other.
    In a watch, each poll of a round gets its own, made by ``carry_over`` from the last poll whose
    bundle is out (or new for the first), so every poll emits one bundle; a late page of a poll
    whose bundle is out is refused, and a poll that never completed (a page dropped without an
    error) is replaced at the next poll.
    """

    def __init__(
        self, new: Callable[[Key], Assembly], carry_over: Callable[[Assembly, PollPlan], Assembly]
    ) -> None:
        self._new = new
        self._carry_over = carry_over
        self.open: dict[Key, Assembly] = {}
        self._emitted: set[Key] = set()
        # watch only: the poll of each open assembly; the last poll out, and its assembly
        self._open_polls: dict[Key, int] = {}
        self._last_polls: dict[Key, tuple[int, Assembly]] = {}

    def assembly_for(self, key: Key, plan: PollPlan | None) -> Assembly | None:
        """The assembly a page of this round goes into; None once its bundle (this poll's) is out."""
        if plan is None:
            if key in self._emitted:
                return None
            return self.open.setdefault(key, self._new(key))
        if self._open_polls.get(key) == plan.number:
            return self.open[key]
        last = self._last_polls.get(key)
        if last is not None and last[0] == plan.number:
            return None
        assembly = self._new(key) if last is None else self._carry_over(last[1], plan)
        self.open[key] = assembly
        self._open_polls[key] = plan.number
        return assembly

    def bundle_out(self, key: Key) -> None:
        """The round's assembly is done and its bundle emitted."""
        assembly = self.open.pop(key)
        self._emitted.add(key)
        poll_number = self._open_polls.pop(key, None)
        if poll_number is not None:
            self._last_polls[key] = (poll_number, assembly)

"""PollAssemblies: one assembly per round in a crawl, one per poll in a watch, each from the last."""

from __future__ import annotations

from dataclasses import dataclass

from ftl_scraper.watch.assemblies import PollAssemblies
from ftl_scraper.watch.polling import PollPlan


@dataclass
class Assembly:
    key: str
    polls: list[int]  # the polls it was carried through


def new_assemblies() -> PollAssemblies[str, Assembly]:
    return PollAssemblies(
        lambda key: Assembly(key, []), lambda last, plan: Assembly(last.key, [*last.polls, plan.number])
    )


def plan(number: int) -> PollPlan:
    return PollPlan(number, settled=frozenset(), with_results=False)


def test_a_crawl_has_one_assembly_per_round_and_none_after_its_bundle() -> None:
    assemblies = new_assemblies()
    first = assemblies.assembly_for("round", None)

    assert assemblies.assembly_for("round", None) is first
    assert assemblies.assembly_for("other", None) is not first
    assemblies.bundle_out("round")
    assert assemblies.assembly_for("round", None) is None
    assert list(assemblies.open) == ["other"]


def test_each_poll_starts_from_the_last_poll_out() -> None:
    assemblies = new_assemblies()
    first = assemblies.assembly_for("round", plan(1))
    assert first == Assembly("round", [])
    assert assemblies.assembly_for("round", plan(1)) is first
    assemblies.bundle_out("round")

    assert assemblies.assembly_for("round", plan(1)) is None  # a late page of poll 1
    second = assemblies.assembly_for("round", plan(2))
    assert second == Assembly("round", [2])
    assemblies.bundle_out("round")
    assert assemblies.assembly_for("round", plan(3)) == Assembly("round", [2, 3])


def test_a_poll_that_never_completed_is_replaced_from_the_last_poll_out() -> None:
    assemblies = new_assemblies()
    assemblies.assembly_for("round", plan(1))
    assemblies.bundle_out("round")
    stuck = assemblies.assembly_for("round", plan(2))

    replacement = assemblies.assembly_for("round", plan(3))
    assert replacement is not stuck
    assert replacement == Assembly("round", [3])

"""The event and tournament contracts: shipped schemas equal the models; strict shapes."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from ftl_scraper.models import EventBundle, FinalResult
from ftl_scraper.output.schema import SCHEMAS, load_schema, render_schema


@pytest.mark.parametrize("file_name", sorted(SCHEMAS))
def test_shipped_schema_is_generated_from_the_models(file_name: str) -> None:
    assert load_schema(file_name) == json.loads(render_schema(file_name))


def test_the_tournament_schema_adds_the_schedule_fields_to_the_event_schema() -> None:
    event = load_schema("event.schema.json")["properties"]
    tournament_event = load_schema("tournament_event.schema.json")["properties"]

    assert set(tournament_event) - set(event) == {"schedule_day", "schedule_status"}


def test_an_event_bundle_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        EventBundle.model_validate(
            {
                "event_id": "A" * 32,
                "tournament_id": None,
                "tournament_name": None,
                "event_name": None,
                "event_time": None,
                "pool_rounds": [],
                "tableau_ids": [],
                "final_results": None,
                "complete": True,
                "errors": [],
                "schedule_day": "Monday",
            }
        )


def test_a_final_result_place_is_positive() -> None:
    with pytest.raises(ValidationError):
        FinalResult(
            fencer_id="A" * 32,
            name="X",
            place=0,
            place_label="0",
            tie=False,
            excluded=False,
            country=None,
            club_primary=None,
            club_secondary=None,
            division=None,
        )

"""The bundles' JSON Schemas and a watch's change line's, generated from the models and shipped
beside this module.

Regenerate after changing ``ftl_scraper/models/``: ``python -m ftl_scraper.output.schema``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from typing import Any

from ftl_scraper.models import (
    bundle_json_schema,
    changes_json_schema,
    event_changes_json_schema,
    event_json_schema,
    tableau_bundle_json_schema,
    tableau_changes_json_schema,
    tournament_event_json_schema,
)

SCHEMA_FILE = "bundle.schema.json"
TABLEAU_SCHEMA_FILE = "tableau-bundle.schema.json"
EVENT_SCHEMA_FILE = "event.schema.json"
TOURNAMENT_EVENT_SCHEMA_FILE = "tournament_event.schema.json"
CHANGES_SCHEMA_FILE = "changes.schema.json"
TABLEAU_CHANGES_SCHEMA_FILE = "tableau-changes.schema.json"
EVENT_CHANGES_SCHEMA_FILE = "event-changes.schema.json"

#: every shipped schema file and the model schema it holds
SCHEMAS: dict[str, Callable[[], dict[str, object]]] = {
    SCHEMA_FILE: bundle_json_schema,
    TABLEAU_SCHEMA_FILE: tableau_bundle_json_schema,
    EVENT_SCHEMA_FILE: event_json_schema,
    TOURNAMENT_EVENT_SCHEMA_FILE: tournament_event_json_schema,
    CHANGES_SCHEMA_FILE: changes_json_schema,
    TABLEAU_CHANGES_SCHEMA_FILE: tableau_changes_json_schema,
    EVENT_CHANGES_SCHEMA_FILE: event_changes_json_schema,
}


def render_schema(file_name: str) -> str:
    return json.dumps(SCHEMAS[file_name](), indent=2, sort_keys=True) + "\n"


def render_bundle_schema() -> str:
    return render_schema(SCHEMA_FILE)


def render_tableau_bundle_schema() -> str:
    return render_schema(TABLEAU_SCHEMA_FILE)


def load_schema(file_name: str) -> dict[str, Any]:
    """A shipped schema, as installed with the package."""
    text = files(__package__).joinpath(file_name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_bundle_schema() -> dict[str, Any]:
    """The shipped pool-round schema, as installed with the package."""
    return load_schema(SCHEMA_FILE)


def load_tableau_bundle_schema() -> dict[str, Any]:
    """The shipped tableau schema, as installed with the package."""
    return load_schema(TABLEAU_SCHEMA_FILE)


def load_changes_schema() -> dict[str, Any]:
    """The shipped schema of one change line of a watch, as installed with the package."""
    return load_schema(CHANGES_SCHEMA_FILE)


def load_tableau_changes_schema() -> dict[str, Any]:
    """The shipped schema of one change line of a tableau watch, as installed with the package."""
    return load_schema(TABLEAU_CHANGES_SCHEMA_FILE)


def load_event_changes_schema() -> dict[str, Any]:
    """The shipped schema of one change line of an event watch, as installed with the package."""
    return load_schema(EVENT_CHANGES_SCHEMA_FILE)

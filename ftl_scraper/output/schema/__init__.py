"""The JSON Schemas generated from the models and shipped: ``bundle.schema.json`` (a bundle) and
``changes.schema.json`` (one line of a watch).

Regenerate after changing ``ftl_scraper/models/``: ``python -m ftl_scraper.output.schema``.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from ftl_scraper.models import bundle_json_schema, changes_json_schema

SCHEMA_FILE = "bundle.schema.json"
CHANGES_SCHEMA_FILE = "changes.schema.json"


def render_bundle_schema() -> str:
    return json.dumps(bundle_json_schema(), indent=2, sort_keys=True) + "\n"


def load_bundle_schema() -> dict[str, Any]:
    """The shipped schema, as installed with the package."""
    text = files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def render_changes_schema() -> str:
    return json.dumps(changes_json_schema(), indent=2, sort_keys=True) + "\n"


def load_changes_schema() -> dict[str, Any]:
    """The shipped schema of one change line of a watch, as installed with the package."""
    text = files(__package__).joinpath(CHANGES_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema

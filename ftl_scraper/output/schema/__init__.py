"""The bundles' JSON Schemas, generated from the models and shipped as ``bundle.schema.json`` (pools)
and ``tableau-bundle.schema.json``.

Regenerate after changing ``ftl_scraper/models/``: ``python -m ftl_scraper.output.schema``.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from ftl_scraper.models import bundle_json_schema, tableau_bundle_json_schema

SCHEMA_FILE = "bundle.schema.json"
TABLEAU_SCHEMA_FILE = "tableau-bundle.schema.json"


def render_bundle_schema() -> str:
    return _render(bundle_json_schema())


def load_bundle_schema() -> dict[str, Any]:
    """The shipped schema, as installed with the package."""
    return _load(SCHEMA_FILE)


def render_tableau_bundle_schema() -> str:
    return _render(tableau_bundle_json_schema())


def load_tableau_bundle_schema() -> dict[str, Any]:
    """The shipped tableau schema, as installed with the package."""
    return _load(TABLEAU_SCHEMA_FILE)


def _render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _load(file_name: str) -> dict[str, Any]:
    text = files(__package__).joinpath(file_name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema

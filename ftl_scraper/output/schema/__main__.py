"""Write ``bundle.schema.json`` and ``changes.schema.json`` beside this module from the current models."""

from pathlib import Path

from ftl_scraper.output.schema import (
    CHANGES_SCHEMA_FILE,
    SCHEMA_FILE,
    render_bundle_schema,
    render_changes_schema,
)

for name, text in ((SCHEMA_FILE, render_bundle_schema()), (CHANGES_SCHEMA_FILE, render_changes_schema())):
    target = Path(__file__).with_name(name)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")

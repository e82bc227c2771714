"""Write ``bundle.schema.json`` beside this module from the current models."""

from pathlib import Path

from ftl_scraper.output.schema import SCHEMA_FILE, render_bundle_schema

target = Path(__file__).with_name(SCHEMA_FILE)
target.write_text(render_bundle_schema(), encoding="utf-8")
print(f"wrote {target}")

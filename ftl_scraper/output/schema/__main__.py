"""Write the shipped schema files beside this module from the current models."""

from pathlib import Path

from ftl_scraper.output.schema import (
    SCHEMA_FILE,
    TABLEAU_SCHEMA_FILE,
    render_bundle_schema,
    render_tableau_bundle_schema,
)

for file_name, text in (
    (SCHEMA_FILE, render_bundle_schema()),
    (TABLEAU_SCHEMA_FILE, render_tableau_bundle_schema()),
):
    target = Path(__file__).with_name(file_name)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")

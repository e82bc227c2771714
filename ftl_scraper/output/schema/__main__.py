"""Write the shipped schema files beside this module from the current models."""

from pathlib import Path

from ftl_scraper.output.schema import SCHEMAS, render_schema

for file_name in SCHEMAS:
    target = Path(__file__).with_name(file_name)
    target.write_text(render_schema(file_name), encoding="utf-8")
    print(f"wrote {target}")

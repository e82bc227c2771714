"""What the user gets: whole-or-nothing feed files, the JSON exporter, the JSON Schema, the summary line."""

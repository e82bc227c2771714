"""The JSON feed exporter writes exactly what Scrapy's would, only faster."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pytest
from scrapy.exporters import JsonItemExporter

from ftl_scraper.output.exporters import IndentedJsonItemExporter
from tests.fakeftl import FakeEvent


def _export(
    exporter_class: type[JsonItemExporter], items: Sequence[Mapping[str, object]], **options: object
) -> bytes:
    file = io.BytesIO()
    exporter = exporter_class(file, **options)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return file.getvalue()


@pytest.mark.parametrize("indent", [2, 4, 0, None])
def test_output_is_byte_for_byte_scrapys(fake_event: FakeEvent, indent: int | None) -> None:
    items = [fake_event.expected_bundle(), {"name": "DE DIEGO MORERA Andrea", "ratio": 0.67}]

    ours = _export(IndentedJsonItemExporter, items, indent=indent, encoding="utf-8")

    assert ours == _export(JsonItemExporter, items, indent=indent, encoding="utf-8")


def test_other_encodings_fall_back_to_scrapys_escaping() -> None:
    items = [{"name": "MÜLLER Greta"}]

    ours = _export(IndentedJsonItemExporter, items, indent=2, encoding="latin-1")

    assert ours == _export(JsonItemExporter, items, indent=2, encoding="latin-1")
    assert "MÜLLER".encode("latin-1") in ours

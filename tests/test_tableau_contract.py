"""The tableau's URLs and output contract: IDs read from URLs, the winner column requested, schema shipped."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import ValidationError

from ftl_scraper.errors import InvalidArgumentError
from ftl_scraper.models import TableauBundle, TableauFencer
from ftl_scraper.output.schema import load_tableau_bundle_schema, render_tableau_bundle_schema
from ftl_scraper.site.urls import TableauUrls, ids_from_tableau_url

EVENT = "9CABEAEBA11F0F03B153FA889658645E"
TABLEAU = "1B2C3D4E5F60718293A4B5C6D7E8F901"
TREE = "ab12cd34ef56ab12cd34ef56ab12cd34"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT}/{TABLEAU}",
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT.lower()}/{TABLEAU.lower()}/",
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT}/{TABLEAU}/trees",
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT}/{TABLEAU}/trees/{TREE}/tables/0/7",
    ],
)
def test_ids_are_read_from_any_tableau_url(url: str) -> None:
    assert ids_from_tableau_url(url) == (EVENT, TABLEAU)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT}",
        f"https://www.fencingtimelive.com/tableaus/scores/{EVENT}/{TABLEAU[:-1]}",
    ],
)
def test_other_urls_are_refused_naming_the_shapes_expected(url: str) -> None:
    with pytest.raises(
        InvalidArgumentError, match="url is not an FTL tournament, event, pools or tableau page"
    ):
        ids_from_tableau_url(url)


def test_a_pools_url_is_refused_naming_the_spider_that_reads_it() -> None:
    url = f"https://www.fencingtimelive.com/pools/scores/{EVENT}/{TABLEAU}"
    with pytest.raises(
        InvalidArgumentError, match="which the tableau spider does not crawl: use 'scrapy crawl pools"
    ):
        ids_from_tableau_url(url)


def test_the_trees_list_url() -> None:
    urls = TableauUrls("https://ftl.test", EVENT, TABLEAU)
    assert urls.trees == f"https://ftl.test/tableaus/scores/{EVENT}/{TABLEAU}/trees"


def test_a_whole_tree_is_its_tables_and_the_winner_column() -> None:
    urls = TableauUrls("https://ftl.test", EVENT, TABLEAU)
    assert urls.whole_tree(TREE, 6) == (
        f"https://ftl.test/tableaus/scores/{EVENT}/{TABLEAU}/trees/{TREE}/tables/0/7"
    )


def test_shipped_tableau_schema_is_generated_from_the_models() -> None:
    assert load_tableau_bundle_schema() == json.loads(render_tableau_bundle_schema())


def test_the_schema_refuses_what_the_models_refuse() -> None:
    bundle = {"event_id": EVENT, "tableau_id": TABLEAU, "trees": [], "complete": True, "errors": []}
    jsonschema.validate(bundle, load_tableau_bundle_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**bundle, "extra": 1}, load_tableau_bundle_schema())
    with pytest.raises(ValidationError):
        TableauBundle.model_validate({**bundle, "extra": 1})


def test_a_fencer_country_is_three_capital_letters() -> None:
    fields = {"name": "A B", "seed": 1, "affiliation": None, "club": None, "division": None}
    with pytest.raises(ValidationError):
        TableauFencer(**fields, country="fr")

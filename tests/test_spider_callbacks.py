"""The check Scrapy's WARN_ON_GENERATOR_RETURN_VALUE makes in every crawl, made once here for every spider."""

from __future__ import annotations

import inspect
from collections.abc import Generator

import pytest
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings

from ftl_scraper.spiders.loader import PROJECT_SPIDERS, FtlSpiderLoader


def generator_methods(spider_class: type) -> list[str]:
    """Every generator method of the spider and its bases in the project: callbacks and errbacks."""
    return sorted(
        name
        for name, method in inspect.getmembers(spider_class, inspect.isfunction)
        if method.__module__.startswith("ftl_scraper.") and inspect.isgeneratorfunction(method)
    )


@pytest.mark.parametrize("spider_name", sorted(PROJECT_SPIDERS))
def test_no_callback_is_a_generator_that_returns_a_value(spider_name: str) -> None:
    spider_class = FtlSpiderLoader.from_settings(get_project_settings().frozencopy()).load(spider_name)
    methods = generator_methods(spider_class)

    assert "parse_pool_fragment" in methods or "parse_tableau_tree" in methods  # the callbacks are seen
    assert [name for name in methods if is_generator_with_return_value(getattr(spider_class, name))] == []


def test_the_check_finds_a_generator_that_returns_a_value() -> None:
    def returns_a_value() -> Generator[int, None, int]:
        yield 1
        return 2

    assert is_generator_with_return_value(returns_a_value)

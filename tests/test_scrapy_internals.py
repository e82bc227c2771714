"""The Scrapy version every private-API use in ``ftl_scraper.scrapy_internals`` was checked against,
and the list of Scrapy's private methods the package overrides."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from importlib.metadata import version

import ftl_scraper
from ftl_scraper.scrapy_internals import OVERRIDDEN_PRIVATE_METHODS, SCRAPY_VERSION_CHECKED


def test_scrapy_is_the_version_the_private_api_uses_were_checked_against() -> None:
    # on an upgrade: read each function in scrapy_internals against the new Scrapy source, then
    # bump SCRAPY_VERSION_CHECKED (tests/test_downloader_cap.py says whether the cap fix can go)
    assert version("scrapy") == SCRAPY_VERSION_CHECKED


def scrapy_private_methods_overridden() -> set[str]:
    """Every ``_name`` method a class of the package defines that a Scrapy base class defines too."""
    overridden = set()
    for module_info in pkgutil.walk_packages(ftl_scraper.__path__, "ftl_scraper."):
        if module_info.name.endswith("__main__"):
            continue  # a module that runs when imported
        module = importlib.import_module(module_info.name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for name in vars(cls):
                if not name.startswith("_") or name.startswith("__") or name == "_abc_impl":
                    continue
                for base in cls.__mro__[1:]:
                    if base.__module__.startswith("scrapy.") and name in vars(base):
                        overridden.add(f"{base.__module__}.{base.__qualname__}.{name}")
                        break
    return overridden


def test_every_private_scrapy_method_the_package_overrides_is_listed() -> None:
    assert scrapy_private_methods_overridden() == set(OVERRIDDEN_PRIVATE_METHODS)


ALIAS_MODULES = (
    "import json\n"
    "from scrapy.core.downloader import contextfactory, tls\n"
    "aliases = [contextfactory.ScrapyClientContextFactory, contextfactory.AcceptableProtocolsContextFactory,"
    " tls.ScrapyClientTLSOptions]\n"
    "assert not issubclass(int, contextfactory.ScrapyClientContextFactory)\n"
    "print(json.dumps([alias.__module__ for alias in aliases]))\n"
)


def alias_modules(prelude: str) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", prelude + ALIAS_MODULES], capture_output=True, text=True, check=True
    )
    return list(json.loads(completed.stdout))


def test_deprecated_aliases_made_cheaply_get_the_module_scrapy_gives_them() -> None:
    stock = alias_modules("")
    cheap = alias_modules("from ftl_scraper.scrapy_internals import make_deprecated_aliases_cheap\n"
                          "make_deprecated_aliases_cheap()\n")  # fmt: skip

    assert (
        cheap
        == stock
        == [
            "scrapy.core.downloader.contextfactory",
            "scrapy.core.downloader.contextfactory",
            "scrapy.core.downloader.tls",
        ]
    )

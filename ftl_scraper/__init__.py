"""ftl_scraper: FencingTimeLive pool rounds as clean, validated JSON."""

from ftl_scraper.api import fetch_pools_bundle
from ftl_scraper.errors import FtlError
from ftl_scraper.models import PoolsBundle

__all__ = ["FtlError", "PoolsBundle", "fetch_pools_bundle"]
__version__ = "0.1.0"

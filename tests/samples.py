"""Where the real FTL captures live: ``../shared/ftl-samples`` beside the checkout, or $FTL_SAMPLES_DIR.

They are third-party data: tests read them in place and skip when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]


def real_sample(name: str) -> Path:
    """The path of one real capture, or skip the test that asked for it."""
    folder = Path(os.environ.get("FTL_SAMPLES_DIR") or CHECKOUT.parent / "shared" / "ftl-samples")
    path = folder / name
    if not path.exists():
        pytest.skip(f"real FTL sample not present at {path}")
    return path

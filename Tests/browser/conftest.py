"""The headless Chromium every browser test module shares (one per module, closed after it)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from browser import chromium  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()

"""Paths the tests read, wherever a test file sits under tests/."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "retail-cx"
DATA = Path(__file__).resolve().parent / "data"

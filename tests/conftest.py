"""Shared fixtures.  Tests never touch the network."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"
TESTS_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def tests_data_dir() -> Path:
    return TESTS_DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (reference data and seed articles): absent in a user's clone, so skip."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (reference data is for development only)")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    return seeds


@pytest.fixture(scope="session")
def gazetteer():
    """The bundled curated gazetteer."""
    from routemap.gazetteer import load_gazetteer

    return load_gazetteer()

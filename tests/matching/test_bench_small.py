"""The matching benchmark at a small size: the same generator, index, queries and quality check as
`./run bench match`, asserting what does not depend on the machine: the quality targets (planted
suppliers among decoys), that the search answers the names people type, and that tantivy and
PostgreSQL (when the tests run on it) find the same companies for the same query."""

import importlib.util
from pathlib import Path

import pytest

# Committed rows: the PostgreSQL full-text side copies them over a connection of its own.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_match.py"


@pytest.fixture(scope="module")
def bench():
    import sys

    spec = importlib.util.spec_from_file_location("bench_match", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_match"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_quality_search_and_engines_on_a_small_registry(bench):
    import random

    populated = bench.populate(enterprises=800, demands=12, seed=7, progress=lambda *_: None)
    built = bench.build_index()
    assert built["documents"] > 800 * 2
    user = bench.bench_user()

    ranking = bench.ranking_benchmark(populated["planted"], user)
    assert ranking["precision_at_10"] >= 0.9, ranking
    assert ranking["best_in_top3"] >= 0.95, ranking

    queries = bench.name_queries(random.Random(3), 40)
    service = bench.service_search(queries, user)
    for kind in ("chinese", "short", "english", "initials"):
        assert service[kind]["answered"] >= 0.9, (kind, service[kind])

    with_pg = bench.is_postgres()
    if with_pg:
        bench.build_pg_fts()
    engines = bench.engine_comparison(queries, with_pg=with_pg)
    assert set(engines) == {"and_filtered", "or_filtered", "or_unfiltered"}
    if with_pg:
        # AND queries have one answer set: both engines must return the same companies.
        assert engines["and_filtered"]["same_top10_share"] >= 0.9, engines


def test_truth_is_what_fits(bench):
    """The planted best fit is among the true fits and no decoy is."""
    populated = bench.populate(enterprises=100, demands=3, seed=11, progress=lambda *_: None)
    for spec in populated["planted"]:
        fits = bench.truth(spec)
        assert spec.best in fits
        assert set(spec.fits) <= fits
        assert not (set(spec.decoys) & fits)

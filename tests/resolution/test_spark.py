"""The same resolution on Splink's Spark backend (PySpark local mode) gives the same links as on
DuckDB. Skipped only where Java or PySpark is missing; CI here has both."""

import shutil

import pytest

from clusterhub.resolution import engine
from clusterhub.resolution.synthetic import generate
from clusterhub.resolution.training import labelled_table

pyspark = pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java"),
]


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    session = engine.spark_session(
        app_name="clusterhub-test", shuffle_partitions="2", **{"spark.default.parallelism": "2"}
    )
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
    yield session
    session.stop()


def _clusters(table, edges):
    ids = table.column("unique_id").to_pylist()
    codes = dict(zip(ids, table.column("credit_code").to_pylist(), strict=True))
    result = engine.cluster(ids, edges, auto=0.9, review=0.3, credit_codes=codes)
    groups = {}
    for uid, root in result.root.items():
        groups.setdefault(root, set()).add(uid)
    # Scores agree to 1e-6, not to the last bit: compare the pairs sent to review, not floats.
    return {frozenset(g) for g in groups.values()}, {(a, b) for a, b, _s in result.candidates}


def test_spark_gives_the_same_links_as_duckdb(spark):
    rows = generate(200, seed=11)
    table = labelled_table(rows).drop(["entity"])
    on_duckdb = engine.score_records(table, review=0.3)
    on_spark = engine.score_records(
        table, review=0.3, backend="spark", spark=spark, break_lineage_method="persist"
    )
    assert len(on_duckdb) > 50
    duck = {(a, b): (s, ok) for a, b, s, ok in on_duckdb}
    sprk = {(a, b): (s, ok) for a, b, s, ok in on_spark}
    assert duck.keys() == sprk.keys()
    for pair, (score, may_auto) in duck.items():
        assert sprk[pair][0] == pytest.approx(score, abs=1e-6)
        assert sprk[pair][1] == may_auto
    assert _clusters(table, on_duckdb) == _clusters(table, on_spark)

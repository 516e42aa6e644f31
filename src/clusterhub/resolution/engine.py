"""The matching engine: exact keys, then Splink's probabilistic scores, then constrained clustering.

It works on normalised records (normalise.normalise_record plus `unique_id`), knows nothing of
Django, and runs the same Splink model on DuckDB in-process (default) or on Spark (national scale).

1. Exact keys: records sharing a valid credit code, or a stock code, are the same company.
2. Splink scores the pairs that blocking proposes (any shared name key, phone, address, website,
   credit code or stock code) with the trained model shipped in model/splink_model.json.
3. Clustering, strongest edge first, never joins two groups that hold different valid credit codes,
   two different registry records, or a pair a person rejected. What it refuses, and the pairs in the
   middle band, are the candidates for review.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

MODEL_PATH = Path(__file__).resolve().parent / "model" / "splink_model.json"
# Match probabilities: merge automatically at or above AUTO_MERGE, ask a person from REVIEW.
# Measured on the labelled benchmark (benchmarks/README.md, model/calibration.json); the settings
# CLUSTERHUB_RESOLUTION_AUTO_MERGE and CLUSTERHUB_RESOLUTION_REVIEW override them.
DEFAULT_AUTO_MERGE = 0.9
DEFAULT_REVIEW = 0.3
# A name key shared by more records than this says nothing (汽车, a generic word): not blocked on.
BLOCK_KEY_MAX_FREQUENCY = 500
# A name key shared by more records than this blocks only with the city or the trade (see
# with_block_keys): at 1,000,000 labelled records blocking then proposes about 36M pairs instead of 60M
# and still reaches 99.2% of the true pairs (as before).
BLOCK_KEY_QUALIFY_FREQUENCY = 100

STRING_COLUMNS = (
    "name_norm",
    "name_core",
    "name_py",
    "initials",
    "trade",
    "city",
    "address_norm",
    "phone",
    "domain",
    "credit_code",
    "stock_code",
)
SCHEMA = pa.schema(
    [("unique_id", pa.int64())]
    + [(c, pa.string()) for c in STRING_COLUMNS]
    + [
        ("trade_atoms", pa.list_(pa.string())),
        ("name_norms", pa.list_(pa.string())),
        ("name_keys", pa.list_(pa.string())),
        ("block_keys", pa.list_(pa.string())),
    ]
)

logger = logging.getLogger(__name__)


def connect_duckdb(**config):
    """An in-process DuckDB that never downloads an extension (the platform runs air-gapped)."""
    import duckdb

    return duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False, **config}
    )


def records_to_arrow(
    records: list[dict], extra: dict[str, list] | None = None, frequent: set[str] | None = None
) -> pa.Table:
    """Normalised records (each with unique_id) as an Arrow table; block_keys from name_keys.
    `frequent`: the name keys not to block on, when the caller counted them over a larger set
    than these records (resolution against a part of the registry); else counted here."""
    table = records_table(records)
    if extra:
        for name, values in extra.items():
            table = table.append_column(name, pa.array(values))
    return with_block_keys(table, frequent)


def records_table(records: list[dict], first_id: int | None = None) -> pa.Table:
    """Normalised records as an Arrow table with block_keys = name_keys (with_block_keys thins
    them). unique_id from the records, or first_id, first_id + 1, ... (batch workers, which
    return Arrow rather than a million dicts to unpickle)."""
    if first_id is None:
        ids = [r["unique_id"] for r in records]
    else:
        ids = range(first_id, first_id + len(records))
    columns = {"unique_id": ids}
    for name in STRING_COLUMNS:
        columns[name] = [r.get(name) for r in records]
    for name in ("trade_atoms", "name_norms", "name_keys"):
        columns[name] = [r.get(name) for r in records]
    return pa.table({**columns, "block_keys": columns["name_keys"]}, schema=SCHEMA)


def with_block_keys(table: pa.Table, frequent: set[str] | None = None) -> pa.Table:
    """block_keys = name_keys without the keys too frequent to block on. Counted here (frequent
    None), a key shared by more than BLOCK_KEY_QUALIFY_FREQUENCY records blocks only together with
    the city or the trade (华翔|c:长春, 华翔|t:零部件): at a million records a common brand would
    otherwise propose tens of millions of pairs, nearly all between different companies."""
    if frequent is not None:
        if not frequent:
            return table
        keys = table.column("name_keys").to_pylist()
        blocked = [[k for k in ks if k not in frequent] or None if ks else None for ks in keys]
        return _set_block_keys(table, pa.array(blocked, pa.list_(pa.string())))
    con = connect_duckdb()
    try:
        rows = table.select(["name_keys", "city", "trade"])
        con.register("records", rows.append_column("row", pa.array(range(table.num_rows))))
        blocked = con.sql(
            """
            with keys as (
                select row, city, trade, unnest(name_keys) as k from records
            ), counted as (
                select *, count(*) over (partition by k) as n from keys
            ), qualified as (
                select row, k from counted where n <= $qualify
                union all
                select row, k || '|c:' || city from counted where n > $qualify and city is not null
                union all
                select row, k || '|t:' || trade from counted where n > $qualify and trade is not null
            ), kept as (
                select row, k from (
                    select row, k, count(*) over (partition by k) as n from qualified
                ) where n <= $most
            ), grouped as (
                select row, list(k order by k) as block_keys from kept group by row
            )
            select g.block_keys from records r left join grouped g using (row) order by r.row
            """,
            params={"qualify": BLOCK_KEY_QUALIFY_FREQUENCY, "most": BLOCK_KEY_MAX_FREQUENCY},
        ).to_arrow_table()
    finally:
        con.close()
    return _set_block_keys(table, blocked.column("block_keys").combine_chunks())


def _set_block_keys(table: pa.Table, values: pa.Array) -> pa.Table:
    index = table.schema.get_field_index("block_keys")
    return table.set_column(index, "block_keys", values.cast(pa.list_(pa.string())))


def settings_creator(probability_two_random_records_match: float = 1e-6):
    """The comparisons and blocking rules of the normalised model (untrained)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def exact(column: str):
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column),
                cll.ElseLevel(),
            ],
        )

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_keys"),
            # The whole name with its trade (富奥汽车零部件) is far stronger than a brand alone.
            cll.And(
                cll.ExactMatchLevel("name_norm"), cll.CustomLevel("name_norm_l <> name_core_l")
            ),
            # One of the names a record is known by, exactly (a registry record's short name).
            cll.ArrayIntersectLevel("name_norms", 1),
            # A brand of three syllables or more (博银宏, boyinhong) is rarely shared by chance.
            cll.And(cll.ExactMatchLevel("name_py"), cll.CustomLevel("length(name_py_l) >= 9")),
            cll.ExactMatchLevel("name_core"),
            cll.ArrayIntersectLevel("name_keys", 1),
            cll.JaroWinklerLevel("name_py", 0.9),
            # One character off in a name that keeps its trade (天禄精密机械 / 晋禄精密机械).
            cll.JaroWinklerLevel("name_norm", 0.88),
            cll.JaroWinklerLevel("name_core", 0.88),
            cll.ElseLevel(),
        ],
    )
    # Address and phone in one comparison: companies sharing a building share both, and two
    # separate comparisons would count that one fact twice.
    contact = cl.CustomComparison(
        output_column_name="contact",
        comparison_levels=[
            cll.And(cll.NullLevel("address_norm"), cll.NullLevel("phone")),
            cll.And(cll.ExactMatchLevel("address_norm"), cll.ExactMatchLevel("phone")),
            cll.ExactMatchLevel("phone"),
            cll.ExactMatchLevel("address_norm"),
            cll.JaroWinklerLevel("address_norm", 0.92),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[
            name,
            cl.CustomComparison(
                output_column_name="trade",
                comparison_levels=[
                    cll.NullLevel("trade"),
                    cll.ExactMatchLevel("trade"),
                    # 饰件系统 / Automotive Systems: one trade word in common.
                    cll.ArrayIntersectLevel("trade_atoms", 1),
                    cll.ElseLevel(),
                ],
            ),
            exact("city"),
            contact,
            exact("domain"),
            exact("credit_code"),
            exact("stock_code"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("block_keys", arrays_to_explode=["block_keys"]),
            block_on("phone"),
            block_on("address_norm"),
            block_on("domain"),
            block_on("credit_code"),
            block_on("stock_code"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )


# The prior is "one in N pairs match" for the N records of the training set. A list resolved
# against the registry has its own N: the prior scales with it (each company has about the same
# number of duplicates whatever the size), never as if fewer than MIN_RECORDS took part.
MIN_RECORDS = 2000


@lru_cache(maxsize=8)
def _trained_settings(dialect: str, n_records: int | None) -> str:
    trained = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    prior = trained["probability_two_random_records_match"]
    if n_records:
        prior = min(
            0.5, prior * trained["clusterhub_training_records"] / max(n_records, MIN_RECORDS)
        )
    # Building the settings costs a fifth of a second; only the prior depends on n_records
    # (every batch of an import has its own), so the rest is built once per dialect.
    out = json.loads(_trained_levels(dialect))
    out["probability_two_random_records_match"] = prior
    return json.dumps(out)


@lru_cache(maxsize=4)
def _trained_levels(dialect: str) -> str:
    trained = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    settings = settings_creator(trained["probability_two_random_records_match"])
    out = settings.create_settings_dict(dialect)
    # The shipped file holds DuckDB SQL; the levels are rebuilt for the backend's dialect and
    # take their trained m and u by position.
    for comparison, learned in zip(out["comparisons"], trained["comparisons"], strict=True):
        levels = comparison["comparison_levels"]
        for level, learned_level in zip(levels, learned["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if learned_level.get(key) is not None:
                    level[key] = learned_level[key]
    return json.dumps(out)


def trained_settings(dialect: str = "duckdb", n_records: int | None = None) -> dict:
    """The trained model (m and u per level, the prior) shipped with the package, as a settings
    dictionary in `dialect` (duckdb or spark), with the prior for `n_records` records."""
    return json.loads(_trained_settings(dialect, n_records))


def _linker(sdf, settings):
    from splink import Linker

    return Linker(sdf, settings, log_level=None)


def predict_duckdb(table: pa.Table, *, threshold: float, settings: dict | None = None, con=None):
    """Scored pairs at or above `threshold` on DuckDB: an Arrow table (unique_id_l, unique_id_r,
    match_probability)."""
    from splink import DuckDBAPI

    own = con is None
    con = con or connect_duckdb()
    try:
        db_api = DuckDBAPI(connection=con)
        sdf = db_api.register(table)
        linker = _linker(sdf, settings or trained_settings("duckdb", table.num_rows))
        pairs = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        columns = "unique_id_l, unique_id_r, match_probability, mw_name, mw_domain"
        # The table name is one Splink made, not user input.
        return con.sql(f"select {columns} from {pairs.physical_name}").to_arrow_table()  # noqa: S608
    finally:
        if own:
            con.close()


def spark_session(*, app_name: str = "clusterhub-resolution", master: str = "local[2]", **conf):
    """A Spark session with Splink's similarity functions (the JAR ships in the splink wheel)."""
    import os

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.appName(app_name)
        .master(master)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", conf.pop("shuffle_partitions", "8"))
        .config("spark.ui.enabled", "false")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def predict_spark(
    table: pa.Table,
    *,
    spark,
    threshold: float,
    settings: dict | None = None,
    break_lineage_method: str | None = None,
):
    """The same prediction on Spark's backend of Splink; an Arrow table like predict_duckdb.
    break_lineage_method: Splink's choice by default (checkpoints, for big jobs); "persist" keeps
    small jobs in memory."""
    from splink import SparkAPI

    frame = spark.createDataFrame(table.to_pandas())
    db_api = SparkAPI(spark_session=spark, break_lineage_method=break_lineage_method)
    sdf = db_api.register(frame)
    linker = _linker(sdf, settings or trained_settings("spark", table.num_rows))
    pairs = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    frame = pairs.as_spark_dataframe().select(
        "unique_id_l", "unique_id_r", "match_probability", "mw_name", "mw_domain"
    )
    rows = frame.collect()
    return pa.table(
        {
            "unique_id_l": pa.array([r[0] for r in rows], pa.int64()),
            "unique_id_r": pa.array([r[1] for r in rows], pa.int64()),
            "match_probability": pa.array([float(r[2]) for r in rows], pa.float64()),
            "mw_name": pa.array([float(r[3]) for r in rows], pa.float64()),
            "mw_domain": pa.array([float(r[4]) for r in rows], pa.float64()),
        }
    )


def exact_key_pairs(table: pa.Table, con=None) -> pa.Table:
    """Pairs sharing a valid credit code, or a stock code (unless their credit codes differ),
    chained to the smallest id of each key so a key shared by n records gives n-1 edges."""
    own = con is None
    con = con or connect_duckdb()
    try:
        con.register("exact_records", table)
        return con.sql(
            """
            with keyed as (
                select unique_id, 'cc:' || credit_code as k, credit_code from exact_records
                where credit_code is not null
                union all
                select unique_id, 'sc:' || stock_code, credit_code from exact_records
                where stock_code is not null
            ), heads as (
                select k, min(unique_id) as head from keyed group by k
            )
            select h.head as unique_id_l, k.unique_id as unique_id_r,
                1.0::double as match_probability, 99.0::double as mw_name,
                0.0::double as mw_domain
            from keyed k join heads h using (k)
            where k.unique_id <> h.head
            """
        ).to_arrow_table()
    finally:
        if own:
            con.close()


@dataclass
class Clustering:
    """The outcome of clustering: a cluster root per record, and what was held back."""

    root: dict[int, int]
    # Best automatic edge that placed each record in its cluster (exact keys score 1.0).
    link_score: dict[int, float]
    # Candidates for review: (record, other record, score) for middle-band pairs and refused merges.
    candidates: list[tuple[int, int, float]] = field(default_factory=list)


# The names, or the website, must speak for the match (a positive match weight) for an automatic
# merge: a pair held together only by a shared address and phone may be two companies in one
# building, and is asked about.
MIN_NAME_WEIGHT_FOR_AUTO = 0.0


def cluster(
    ids: list[int],
    edges: list[tuple[int, int, float, bool]],
    *,
    auto: float,
    review: float,
    credit_codes: dict[int, str] | None = None,
    registry: dict[int, str] | None = None,
    cannot_link: set[frozenset] | None = None,
) -> Clustering:
    """Union the edges at or above `auto` whose flag allows it, strongest first, under three constraints:
    a cluster holds at most one valid credit code, at most one registry record, and no pair in
    `cannot_link` (by record id). Edges in [review, auto) and refused auto edges become candidates.
    """
    credit_codes = credit_codes or {}
    registry = registry or {}
    cannot_link = cannot_link or set()
    parent = {i: i for i in ids}
    # Sparse: at a million records most have no valid credit code and none a registry id.
    codes = {i: {credit_codes[i]} for i in ids if credit_codes.get(i)}
    holders = {i: {registry[i]} for i in ids if registry.get(i)}
    members = {i: [i] for i in ids} if cannot_link else None
    forbidden: dict[int, set[int]] = {}
    for pair in cannot_link:
        a, b = tuple(pair)
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    link_score: dict[int, float] = {}
    candidates: list[tuple[int, int, float]] = []
    kept = [e for e in edges if e[2] >= review]
    kept.sort(key=_edge_order)
    for a, b, score, may_auto in kept:
        if score < auto or not may_auto:
            candidates.append((a, b, score))
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            link_score.setdefault(a, score)
            link_score.setdefault(b, score)
            continue
        code_a, code_b = codes.get(ra), codes.get(rb)
        hold_a, hold_b = holders.get(ra), holders.get(rb)
        refused = (code_a and code_b and code_a != code_b) or (
            hold_a and hold_b and hold_a != hold_b
        )
        if not refused and members is not None:
            small, big = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
            big_set = set(members[big])
            refused = any(forbidden.get(m, set()) & big_set for m in members[small])
        if refused:
            candidates.append((a, b, score))
            continue
        if members is not None and len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        elif members is None and ra > rb:
            ra, rb = rb, ra
        parent[rb] = ra
        for held in (codes, holders):
            moved = held.pop(rb, None)
            if moved:
                held.setdefault(ra, set()).update(moved)
        if members is not None:
            members[ra].extend(members.pop(rb))
        link_score.setdefault(a, score)
        link_score.setdefault(b, score)
    return Clustering(root={i: find(i) for i in ids}, link_score=link_score, candidates=candidates)


def _edge_order(edge: tuple) -> tuple:
    """Strongest first, then by ids: the same clusters whatever order the edges came in."""
    return (-edge[2], edge[0], edge[1])


def score_records(
    table: pa.Table,
    *,
    review: float,
    backend: str = "duckdb",
    spark=None,
    settings: dict | None = None,
    break_lineage_method: str | None = None,
) -> list[tuple[int, int, float, bool]]:
    """Every edge worth keeping: exact-key pairs (score 1.0) and Splink pairs at or above `review`,
    each as (id, id, score, may merge automatically)."""
    if table.num_rows < 2:
        return []
    if backend == "spark":
        scored = predict_spark(
            table,
            spark=spark,
            threshold=review,
            settings=settings,
            break_lineage_method=break_lineage_method,
        )
        exact = exact_key_pairs(table)
    else:
        # One in-process connection for both steps (opening one costs tens of milliseconds,
        # paid for every batch of an import).
        con = connect_duckdb()
        try:
            scored = predict_duckdb(table, threshold=review, settings=settings, con=con)
            exact = exact_key_pairs(table, con=con)
        finally:
            con.close()
    edges: dict[tuple[int, int], tuple[float, bool]] = {}
    for part in (scored, exact):
        lefts = part.column("unique_id_l").to_pylist()
        rights = part.column("unique_id_r").to_pylist()
        scores = part.column("match_probability").to_pylist()
        names = part.column("mw_name").to_pylist()
        sites = part.column("mw_domain").to_pylist()
        for a, b, s, wn, ws in zip(lefts, rights, scores, names, sites, strict=True):
            key = (a, b) if a < b else (b, a)
            if s > edges.get(key, (-1.0, False))[0]:
                edges[key] = (float(s), wn > MIN_NAME_WEIGHT_FOR_AUTO or ws > 0)
    return [(a, b, s, ok) for (a, b), (s, ok) in edges.items()]

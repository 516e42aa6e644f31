"""Entity resolution: quality on a labelled set, and speed at a million records, against a plain
Splink model on raw names and against exact normalised-name matching.

    ./run bench resolve                       # quality at 100,000 records, speed at 1,000,000
    ./run bench resolve --quality 20000 --speed 0      # quality only
    ./run bench resolve --train               # retrain model/splink_model.json first (seed 101)
    ./run bench resolve --write-calibration   # store the measured figures shown on review pages

The labelled set comes from clusterhub.resolution.synthetic (seed 202 here; the model is trained on
seed 101). Pairwise precision and recall over all pairs of records of one company:
- auto: the clusters made by automatic merges alone;
- with review: as if a reviewer accepted the true pairs of the review queue (and rejected the
  rest), i.e. what the platform finds once the queue is worked through.
Peak memory is the largest resident size of this process and its workers.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clusterhub.resolution import engine
from clusterhub.resolution.batch import credit_codes_of, normalise_table, resolve_records
from clusterhub.resolution.synthetic import generate

AUTO_GRID = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
EVAL_SEED = 202


def peak_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024 / 1024


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def true_pairs(entities: list[int]) -> int:
    sizes = defaultdict(int)
    for e in entities:
        sizes[e] += 1
    return sum(s * (s - 1) // 2 for s in sizes.values())


def pair_scores(clusters: list[int], entities: list[int]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against the labels."""
    by_cluster: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for c, e in zip(clusters, entities, strict=True):
        by_cluster[c][e] += 1
    predicted = correct = 0
    for counts in by_cluster.values():
        n = sum(counts.values())
        predicted += n * (n - 1) // 2
        correct += sum(k * (k - 1) // 2 for k in counts.values())
    truth = true_pairs(entities)
    precision = correct / predicted if predicted else 1.0
    recall = correct / truth if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate_normalised(rows, entities, *, review: float, processes: int) -> dict:
    ids = list(range(len(rows)))
    table = normalise_table(rows, processes=processes)
    codes = credit_codes_of(table)
    edges = engine.score_records(table, review=min(review, 0.05))
    out = {"records": len(rows), "true_pairs": true_pairs(entities), "grid": []}
    for auto in AUTO_GRID:
        result = engine.cluster(ids, edges, auto=auto, review=review, credit_codes=codes)
        clusters = [result.root[i] for i in ids]
        precision, recall, f1 = pair_scores(clusters, entities)
        # The reviewer accepts the true candidates and rejects the others.
        accepted = [
            (a, b, 1.0, True) for a, b, _s in result.candidates if entities[a] == entities[b]
        ]
        kept = [e for e in edges if e[2] >= auto and e[3]]
        reviewed = engine.cluster(ids, kept + accepted, auto=auto, review=auto, credit_codes=codes)
        r_precision, r_recall, _f = pair_scores([reviewed.root[i] for i in ids], entities)
        out["grid"].append(
            {
                "auto": auto,
                "review": review,
                "precision": round(precision, 5),
                "recall": round(recall, 5),
                "f1": round(f1, 5),
                "review_pairs": len(result.candidates),
                "review_pairs_per_1000": round(1000 * len(result.candidates) / len(rows), 1),
                "precision_with_review": round(r_precision, 5),
                "recall_with_review": round(r_recall, 5),
            }
        )
    return out


def evaluate_exact_names(rows, entities, *, processes: int) -> dict:
    names = normalise_table(rows, processes=processes).column("name_norm").to_pylist()
    key_of: dict[str, int] = {}
    clusters = []
    for i, key in enumerate(names):
        clusters.append(key_of.setdefault(key, i) if key else i)
    precision, recall, f1 = pair_scores(clusters, entities)
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5)}


def plain_splink(rows, *, threshold: float) -> tuple[list[int], dict]:
    """A plain Splink model: raw columns, library comparisons with their default thresholds,
    exact blocking on each column, u by random sampling and m by EM with Splink's defaults."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    timings = {}
    start = time.perf_counter()
    columns = ["name", "city", "address", "phone", "website", "credit_code", "stock_code"]
    data = {"unique_id": list(range(len(rows)))}
    for column in columns:
        data[column] = [(row.get(column) or None) for row in rows]
    table = pa.table(data)
    con = engine.connect_duckdb()
    sdf = DuckDBAPI(connection=con).register(table)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name"),
            cl.ExactMatch("city"),
            cl.LevenshteinAtThresholds("address"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("website"),
            cl.ExactMatch("credit_code"),
            cl.ExactMatch("stock_code"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name"),
            block_on("phone"),
            block_on("address"),
            block_on("website"),
            block_on("credit_code"),
            block_on("stock_code"),
        ],
    )
    linker = Linker(sdf, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("credit_code"), block_on("name", "city")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling()
    for rule in (block_on("name"), block_on("phone")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as error:
            # On small sets EM can drive an m value below what Splink accepts: keep the others.
            print(f"plain Splink: EM on {rule} skipped ({str(error)[:60]}...)")
    timings["train"] = time.perf_counter() - start
    start = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    result = con.sql(
        f"select unique_id, cluster_id from {clusters.physical_name} order by unique_id"  # noqa: S608
    ).fetchall()
    timings["predict_and_cluster"] = time.perf_counter() - start
    con.close()
    ids = {}
    out = [ids.setdefault(cluster, len(ids)) for _uid, cluster in result]
    return out, timings


def speed_normalised(rows, *, auto: float, review: float, processes: int):
    gc.collect()
    start = time.perf_counter()
    result = resolve_records(rows, auto=auto, review=review, processes=processes)
    wall = time.perf_counter() - start
    figures = {
        "wall_s": round(wall, 1),
        "steps_s": {k: round(v, 1) for k, v in result.timings.items()},
        "edges": len(result.edges),
        "peak_gb": round(peak_gb(), 2),
    }
    return figures, result.table


# The least any matcher reaching our recall must do on DuckDB: propose the candidate pairs of our
# blocking (the name keys that find 0.99 of the duplicates, phone, address, website, codes; about
# 28M distinct pairs at a million records) and compare one string on each. No normalisation, no
# model, no clustering.
FLOOR_SQL = """
with keys as (select unique_id, unnest(block_keys) as k from records),
pairs as (
    select a.unique_id as l, b.unique_id as r
    from keys a join keys b on a.k = b.k and a.unique_id < b.unique_id
    {others}
)
select count(*) as pairs,
    count(*) filter (where jaro_winkler_similarity(x.name_norm, y.name_norm) >= 0.88) as similar
from pairs p join records x on x.unique_id = p.l join records y on y.unique_id = p.r
"""
FLOOR_UNION = """
    union select a.unique_id, b.unique_id from records a join records b
    on a.COLUMN = b.COLUMN and a.unique_id < b.unique_id"""
FLOOR_COLUMNS = ("phone", "address_norm", "domain", "credit_code", "stock_code")


def blocking_floor(table) -> dict:
    others = "".join(FLOOR_UNION.replace("COLUMN", c) for c in FLOOR_COLUMNS)
    con = engine.connect_duckdb()
    try:
        con.register("records", table)
        start = time.perf_counter()
        ((pairs, similar),) = con.sql(FLOOR_SQL.format(others=others)).fetchall()
        wall = time.perf_counter() - start
    finally:
        con.close()
    return {"wall_s": round(wall, 1), "pairs": pairs, "similar_names": similar}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality", type=int, default=100_000, help="records for quality")
    parser.add_argument("--speed", type=int, default=1_000_000, help="records for speed (0: skip)")
    parser.add_argument("--plain-speed", type=int, default=None, help="records for the plain model")
    parser.add_argument("--auto", type=float, default=None)
    parser.add_argument("--review", type=float, default=None)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--write-calibration", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)

    auto = args.auto or engine.DEFAULT_AUTO_MERGE
    review = args.review or engine.DEFAULT_REVIEW
    report: dict = {"load_before": load(), "cpus": os.cpu_count(), "auto": auto, "review": review}

    if args.train:
        from clusterhub.resolution.training import train_model

        start = time.perf_counter()
        train_model(generate(50_000, seed=101))
        engine._trained_settings.cache_clear()
        report["train_s"] = round(time.perf_counter() - start, 1)
        print(f"trained the model on 50,000 labelled records in {report['train_s']} s")

    if args.quality:
        rows = generate(args.quality, seed=EVAL_SEED)
        entities = [row["entity"] for row in rows]
        quality = evaluate_normalised(rows, entities, review=review, processes=args.processes)
        quality["exact_normalised_name"] = evaluate_exact_names(
            rows, entities, processes=args.processes
        )
        plain_clusters, _plain_timings = plain_splink(rows, threshold=auto)
        p, r, f = pair_scores(plain_clusters, entities)
        quality["plain_splink"] = {
            "precision": round(p, 5),
            "recall": round(r, 5),
            "f1": round(f, 5),
        }
        quality["plain_splink_at_0.5"] = dict(
            zip(
                ("precision", "recall", "f1"),
                (round(x, 5) for x in pair_scores(plain_splink(rows, threshold=0.5)[0], entities)),
                strict=True,
            )
        )
        report["quality"] = quality
        print(f"\nquality at {args.quality:,} records ({quality['true_pairs']:,} true pairs)")
        print("auto   precision recall   f1      review/1000  precision+rev recall+rev")
        for g in quality["grid"]:
            print(
                f"{g['auto']:<6} {g['precision']:.4f}    {g['recall']:.4f}  {g['f1']:.4f}  "
                f"{g['review_pairs_per_1000']:>8}     {g['precision_with_review']:.4f}        "
                f"{g['recall_with_review']:.4f}"
            )
        print("exact normalised name:", quality["exact_normalised_name"])
        print(f"plain Splink at {auto}:", quality["plain_splink"])
        print("plain Splink at 0.5:", quality["plain_splink_at_0.5"])
        if args.write_calibration:
            chosen = next(g for g in quality["grid"] if g["auto"] == auto)
            calibration = {
                "records": args.quality,
                "seed": EVAL_SEED,
                "auto": {
                    "threshold": auto,
                    "precision": chosen["precision"],
                    "recall": chosen["recall"],
                },
                "review": {
                    "threshold": review,
                    "recall": chosen["recall_with_review"],
                    "pairs_per_1000_records": chosen["review_pairs_per_1000"],
                },
                "grid": quality["grid"],
            }
            path = engine.MODEL_PATH.parent / "calibration.json"
            path.write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
            print("wrote", path)
        del rows

    if args.speed:
        rows = generate(args.speed, seed=EVAL_SEED + 1)
        for row in rows:
            row.pop("entity")
        report["load_at_speed"] = load()
        speed, table = speed_normalised(rows, auto=auto, review=review, processes=args.processes)
        report["speed"] = {"records": args.speed, **speed}
        print(
            f"\nnormalised model, {args.speed:,} records: {speed}  (load {report['load_at_speed']})"
        )
        plain_n = args.plain_speed or args.speed
        plain_rows = rows[:plain_n]
        del rows
        gc.collect()
        start = time.perf_counter()
        _clusters, timings = plain_splink(plain_rows, threshold=auto)
        wall = time.perf_counter() - start
        report["plain_speed"] = {
            "records": plain_n,
            "wall_s": round(wall, 1),
            "steps_s": {k: round(v, 1) for k, v in timings.items()},
            "peak_gb": round(peak_gb(), 2),
        }
        print(f"plain Splink, {plain_n:,} records: {report['plain_speed']}  (load {load()})")
        floor = blocking_floor(table)
        del table
        report["floor"] = floor
        print(
            f"floor, DuckDB candidate pairs + one Jaro-Winkler, {args.speed:,} records: {floor}"
            f"  (load {load()})"
        )
        plain_wall = report["plain_speed"]["wall_s"]
        print(
            f"ratio normalised / plain: {speed['wall_s'] / plain_wall:.2f}; "
            f"floor / plain: {floor['wall_s'] / plain_wall:.2f} (target <= 0.33)"
        )
    report["load_after"] = load()
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


if __name__ == "__main__":
    main()

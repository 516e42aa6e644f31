"""Training the shipped Splink model from a labelled set (synthetic.generate).

m probabilities come from the true labels, u probabilities from random pairs, and the prior from
the share of true pairs. The result is written to model/splink_model.json, which engine uses, so a
resolution run does no training and gives the same answer every time.

    ./run bench resolve --train     (regenerates the model, then measures it on another seed)
"""

from __future__ import annotations

import json
from pathlib import Path

from .engine import MODEL_PATH, connect_duckdb, records_to_arrow, settings_creator
from .normalise import canonical_row, normalise_record


def labelled_table(rows: list[dict]):
    records = []
    for i, row in enumerate(rows):
        record = normalise_record(canonical_row(row))
        record["unique_id"] = i
        records.append(record)
    return records_to_arrow(records, extra={"entity": [row["entity"] for row in rows]})


def train_model(rows: list[dict], *, path: Path = MODEL_PATH, seed: int = 42) -> dict:
    from splink import DuckDBAPI, Linker

    table = labelled_table(rows)
    entities = table.column("entity").to_pylist()
    sizes: dict[int, int] = {}
    for e in entities:
        sizes[e] = sizes.get(e, 0) + 1
    n = len(entities)
    true_pairs = sum(s * (s - 1) // 2 for s in sizes.values())
    prior = true_pairs / (n * (n - 1) / 2)

    con = connect_duckdb()
    db_api = DuckDBAPI(connection=con)
    # u from random pairs of a table holding one record per company: no true match can slip
    # into the sample and inflate u (which would make an agreeing name look common).
    seen: set[int] = set()
    keep = []
    for index, entity in enumerate(entities):
        if entity not in seen:
            seen.add(entity)
            keep.append(index)
    one_each = db_api.register(table.take(keep))
    linker_u = Linker(one_each, settings_creator(prior), log_level=None)
    linker_u.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=seed)
    with_u = linker_u.misc.save_model_to_json(overwrite=True)
    # m from the labels on the full table.
    linker = Linker(db_api.register(table), with_u, log_level=None)
    linker.training.estimate_m_from_label_column("entity")
    linker.misc.save_model_to_json(str(path), overwrite=True)
    con.close()
    # Drop the linker's run-specific id so the file only changes when the model does.
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    model.pop("linker_uid", None)
    model["clusterhub_training_records"] = n
    _floor_levels(model)
    Path(path).write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return model


# Levels that no labelled pair reached get a small m rather than none; disagreeing valid credit
# codes stay almost impossible for one company. A city may differ (registered elsewhere).
M_FLOORS = {("credit_code", "else"): 1e-6, ("city", "else"): 0.003}


def _floor_levels(model: dict) -> None:
    for comparison in model["comparisons"]:
        column = comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            kind = "else" if level["sql_condition"].strip().upper() == "ELSE" else "level"
            floor = M_FLOORS.get((column, kind), 1e-4)
            level["m_probability"] = max(level.get("m_probability") or 0.0, floor)
            level["u_probability"] = max(level.get("u_probability") or 0.0, 1e-7)

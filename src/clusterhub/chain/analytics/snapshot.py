"""Snapshots: the database tables the analytics need, exported to Parquet, versioned.

Layout under settings.DATA_DIR/analytics/:
    current                    the version in use (one line; replaced atomically with os.replace)
    snapshots/<version>/       regions, nodes, enterprises, sites (.parquet), links.arrow, manifest.json,
                               results/<audience>/*.parquet, graph/*.npy, cache/
A refresh exports into snapshots/.tmp-<version>/, computes every result there, renames the folder
to its version and only then points `current` at it, so readers never see a half-written snapshot.
The previous snapshot is kept (a page that opened it a moment ago still finds its files); older
ones are deleted.

Rows are read with the Django connection in chunks (a server-side cursor on PostgreSQL) and
written as Arrow record batches, so memory stays flat whatever the number of links.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.db.models.functions import Coalesce

from . import engine

logger = logging.getLogger(__name__)

CHUNK = 20_000
KEEP_SNAPSHOTS = 2


def analytics_dir() -> Path:
    return Path(settings.DATA_DIR) / "analytics"


def snapshots_dir() -> Path:
    return analytics_dir() / "snapshots"


def current() -> engine.Snapshot | None:
    """The snapshot in use, or None before the first refresh."""
    pointer = analytics_dir() / "current"
    try:
        version = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    path = snapshots_dir() / version
    if not version or not (path / "results" / "done.json").exists():
        return None
    return engine.Snapshot(path)


# The small tables: fast to scan (a third cheaper than the dictionary + snappy default).
PARQUET_OPTIONS = {"store_decimal_as_integer": True, "compression": "lz4", "use_dictionary": False}


def _write(path: Path, schema: pa.Schema, rows, writer=None) -> int:
    """Write an iterable of row tuples (in schema order) in chunks, to Parquet (or to `writer`,
    e.g. the links' Arrow file); returns the count."""
    names = schema.names
    count = 0
    if writer is None:
        writer = pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)
        write = writer.write_table
    else:
        write = writer.write
    with writer:
        batch: list[tuple] = []

        def flush():
            columns = list(zip(*batch, strict=True)) if batch else [[] for _ in names]
            arrays = [
                pa.array(list(col), type=schema.field(i).type) for i, col in enumerate(columns)
            ]
            write(pa.Table.from_arrays(arrays, schema=schema))

        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                flush()
                count += len(batch)
                batch = []
        if batch or count == 0:
            flush()
            count += len(batch)
    return count


def _float(value):
    return float(value) if value is not None else None


def _depth(path: str) -> int:
    return path.rstrip("/").count("/")


def export(folder: Path) -> dict:
    """Write the tables into `folder`; returns counts."""
    from clusterhub.chain.models import ChainNode, SupplyLink
    from clusterhub.core.choices import Confidentiality
    from clusterhub.enterprises.choices import EnterpriseKind
    from clusterhub.enterprises.models import Enterprise, Site
    from clusterhub.geo.models import Region

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    regions = Region.objects.order_by("pk").values_list(
        "pk", "code", "name", "name_en", "parent_id", "path", "level", "longitude", "latitude"
    )
    counts["regions"] = _write(
        folder / "regions.parquet",
        engine.REGION_SCHEMA,
        ((*r[:7], _float(r[7]), _float(r[8])) for r in regions.iterator(chunk_size=CHUNK)),
    )
    nodes = ChainNode.objects.order_by("path").values_list(
        "pk", "code", "name", "name_en", "parent_id", "path", "depth", "segment", "sort_order"
    )
    counts["nodes"] = _write(
        folder / "nodes.parquet", engine.NODE_SCHEMA, nodes.iterator(chunk_size=CHUNK)
    )
    enterprises = Enterprise.objects.order_by("pk").values_list(
        "pk", "public_id", "name", "name_en", "kind", "home_region_id", "confidentiality"
    )
    counts["enterprises"] = _write(
        folder / "enterprises.parquet",
        engine.ENTERPRISE_SCHEMA,
        enterprises.iterator(chunk_size=CHUNK),
    )
    sites = Site.objects.order_by("pk").values_list(
        "pk", "enterprise_id", "name", "region_id", "longitude", "latitude"
    )
    counts["sites"] = _write(
        folder / "sites.parquet",
        engine.SITE_SCHEMA,
        ((*s[:4], _float(s[4]), _float(s[5])) for s in sites.iterator(chunk_size=CHUNK)),
    )
    # The producing and buying regions are resolved here: the site's region, else home region.
    links = (
        SupplyLink.objects.order_by("pk")
        .annotate(
            sup_region=Coalesce(F("supplier_site__region_id"), F("supplier__home_region_id")),
            buy_region=Coalesce(F("customer_site__region_id"), F("customer__home_region_id")),
            to_oem=Case(
                When(Q(customer__kind=EnterpriseKind.OEM), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_public=Case(
                When(Q(confidentiality=Confidentiality.PUBLIC), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values_list(
            "pk",
            "supplier_id",
            "supplier_site_id",
            "sup_region",
            "customer_id",
            "customer_site_id",
            "buy_region",
            "to_oem",
            "chain_node_id",
            "year",
            "annual_value",
            "is_public",
        )
    )
    counts["links"] = _write(
        folder / engine.LINKS_FILE,
        engine.LINK_SCHEMA,
        links.iterator(chunk_size=CHUNK),
        writer=engine.LinkWriter(folder),
    )
    return counts


def new_version() -> str:
    now = datetime.datetime.now(datetime.UTC)
    return f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}"


def build(*, threads: int | None = None) -> dict:
    """Export, compute every result, publish as the current snapshot; returns the summary."""
    version = new_version()
    root = snapshots_dir()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{version}"
    try:
        counts = export(tmp)
        manifest = {
            "version": version,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "counts": counts,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        summary = engine.recompute(tmp, threads=threads)
        shutil.rmtree(tmp / "tmp", ignore_errors=True)
        final = root / version
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish(version)
    # The customer -> supplier graph, which the recompute leaves to the first upward walk. The
    # snapshot is published already: a failure here only leaves the build to that first walk.
    from . import graph

    try:
        summary["upward_graph_seconds"] = graph.prepare_upward(engine.Snapshot(final))
    except Exception:
        logger.exception("Building the upward dependency graph of %s failed", version)
        summary["upward_graph_seconds"] = None
    summary["counts"] = counts
    return summary


def publish(version: str) -> None:
    """Point `current` at `version` atomically, then delete snapshots older than the previous."""
    pointer = analytics_dir() / "current"
    tmp = pointer.with_name(f".current-{uuid.uuid4().hex}")
    tmp.write_text(version + "\n")
    os.replace(tmp, pointer)
    prune(keep=version)


def prune(*, keep: str) -> None:
    root = snapshots_dir()
    versions = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    stale = [v for v in versions if v != keep][: max(0, len(versions) - KEEP_SNAPSHOTS)]
    for version in stale:
        shutil.rmtree(root / version, ignore_errors=True)
    # Leftovers of a refresh that died half-way.
    for path in root.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < datetime.datetime.now().timestamp() - 6 * 3600:
                shutil.rmtree(path, ignore_errors=True)

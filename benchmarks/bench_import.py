"""Import throughput of the shared engine: a generated enterprise list, checked then committed.

    ./run bench import [--rows 50000] [--format xlsx|csv]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench ./run bench import

Runs in a fresh data directory (SQLite unless DATABASE_URL is set; that database is migrated and
its enterprises are deleted first). Prints the time of the dry run, the commit (creating every
row), a re-import (every row unchanged) and the peak memory of the process, and beside them a
baseline measured in the same run: the same file read with openpyxl (or csv) and its rows written
with a bare bulk_create (no checks, no pinyin, no change log, rolled back), as a ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--profile", help="write a cProfile of the import steps to this file")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ["CLUSTERHUB_DATA_DIR"] = str(data_dir)
    os.environ["CLUSTERHUB_DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    os.environ["CLUSTERHUB_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.CLUSTERHUB_MAX_UPLOAD_BYTES = 500 * 1024 * 1024
    call_command("migrate", verbosity=0)

    from clusterhub.enterprises.models import Enterprise
    from clusterhub.geo.models import Region
    from clusterhub.tabular.services import commit_import, preview_import

    Enterprise.objects.all().delete()
    province, _ = Region.objects.get_or_create(
        code="220000", defaults={"name": "吉林省", "level": "province"}
    )
    cities = []
    for code, name in (("220100", "长春市"), ("220200", "吉林市"), ("220300", "四平市")):
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": "prefecture", "parent": province}
        )
        cities.append(region)

    path = data_dir / f"bench.{args.format}"
    # Generated in a child process, so the peak memory below is the import's alone.
    subprocess.run(
        [sys.executable, __file__, "--generate", str(path), "--rows", str(args.rows)],
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    content_size = path.stat().st_size
    print(
        f"{args.rows} rows, {args.format}, {content_size / 1e6:.1f} MB, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )

    import cProfile

    profiler = cProfile.Profile() if args.profile else None

    spent = {}

    def timed(label, function):
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        job = function()
        if profiler:
            profiler.disable()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        spent[label] = (elapsed, cpu)
        counts = (job.latest_result or {}).get("counts", {})
        print(
            f"{label:<22} {elapsed:7.1f} s (CPU {cpu:5.1f} s) {args.rows / elapsed:7.0f} rows/s"
            f"  status={job.status}"
            f"  create={counts.get('create')} update={counts.get('update')}"
            f" unchanged={counts.get('unchanged')} rejected={counts.get('rejected')}"
        )
        return job

    baseline_seconds, baseline_cpu = bare_load(path, cities)
    print(
        f"{'baseline: bare load':<22} {baseline_seconds:7.1f} s (CPU {baseline_cpu:5.1f} s)"
        f" {args.rows / baseline_seconds:7.0f} rows/s  (read + bulk_create, rolled back)"
    )
    job = timed(
        "dry run",
        lambda: preview_import(
            user=None, kind="enterprises", file=path, system=True, background=False
        ),
    )
    timed(
        "commit (create)", lambda: commit_import(user=None, job=job, system=True, background=False)
    )
    job = timed(
        "re-import dry run",
        lambda: preview_import(
            user=None, kind="enterprises", file=path, system=True, background=False
        ),
    )
    timed(
        "re-import (unchanged)",
        lambda: commit_import(user=None, job=job, system=True, background=False),
    )
    first_wall = spent["dry run"][0] + spent["commit (create)"][0]
    first_cpu = spent["dry run"][1] + spent["commit (create)"][1]
    print(
        f"first import (dry run + commit) / baseline: {first_wall / baseline_seconds:.1f}x wall,"
        f" {first_cpu / max(baseline_cpu, 1e-9):.1f}x CPU"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)      {peak:7.0f} MB")
    print(f"enterprises in the database: {Enterprise.objects.count()}")
    if profiler:
        profiler.dump_stats(args.profile)


class _RolledBack(Exception):
    pass


def bare_load(path: Path, cities) -> tuple[float, float]:
    """The floor an import cannot beat: read the file, write its rows with bulk_create."""
    from django.db import transaction

    from clusterhub.enterprises.models import Enterprise

    start, cpu = time.perf_counter(), time.process_time()
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = list(workbook.active.iter_rows(min_row=3, values_only=True))
        workbook.close()
    else:
        import csv

        with path.open(encoding="gb18030", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
    try:
        with transaction.atomic():
            Enterprise.objects.bulk_create(
                (
                    Enterprise(
                        credit_code=row[0],
                        name=row[1],
                        short_name=row[2],
                        kind="tier1",
                        home_region=cities[index % len(cities)],
                    )
                    for index, row in enumerate(rows)
                ),
                batch_size=2000,
            )
            raise _RolledBack
    except _RolledBack:
        pass
    return time.perf_counter() - start, time.process_time() - cpu


def generate(path: Path, rows_wanted: int) -> None:
    """A list as a bureau keeps it: title row, Chinese headers, 万元, Chinese dates, aliases."""
    from clusterhub.enterprises.validators import uscc_check_character

    codes = ("220100", "220200", "220300")
    header = [
        "统一社会信用代码",
        "企业名称",
        "企业简称",
        "企业类型",
        "所有制",
        "注册地",
        "年营业收入（万元）",
        "成立日期",
        "员工人数",
        "别名",
    ]
    kinds = ["一级供应商", "二级供应商", "原材料", "服务"]
    owners = ["国有", "民营", "外资", "合资"]

    def rows():
        for i in range(rows_wanted):
            body = f"9122{i:013d}"
            yield [
                body + uscc_check_character(body),
                f"吉林省测试汽车零部件{i}有限公司",
                f"测试{i}",
                kinds[i % 4],
                owners[i % 4],
                codes[i % 3],
                f"{1000 + i % 5000}",
                f"20{i % 20:02d}年{1 + i % 12}月{1 + i % 28}日",
                str(50 + i % 3000),
                f"别名{i}；Alias {i}",
            ]

    if path.suffix == ".xlsx":
        import openpyxl

        # A normal (not write-only) workbook records its dimensions, as Excel and WPS do.
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "企业名单"
        sheet.append(["2024年吉林省汽车零部件企业名单"])
        sheet.append(header)
        for row in rows():
            sheet.append(row)
        workbook.save(path)
    else:
        import csv

        with path.open("w", encoding="gb18030", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows())


if __name__ == "__main__":
    if "--generate" in sys.argv:
        index = sys.argv.index("--generate")
        count = int(sys.argv[sys.argv.index("--rows") + 1])
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
        generate(Path(sys.argv[index + 1]), count)
    else:
        main()

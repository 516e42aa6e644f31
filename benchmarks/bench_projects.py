"""Projects at scale: the cockpit and a filtered project list with 100,000 projects and 1,000,000
stage events, and the import of a 50,000-row XLSX project list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_projects ./run bench projects
    ./run bench projects --projects 5000 --events 50000 --import-rows 2000   # a quick look

Targets (issue 4): cockpit and filtered list under 300 ms server time each, the number of SQL
queries per page the same at every size; the import under 60 s and under 1 GB peak memory.

The database named by DATABASE_URL (default: the local PostgreSQL, database bench_projects,
created if missing) is migrated and its projects are replaced. Page times are the median of
several requests through Django's test client (middleware, views, queries and templates: the
server's whole work, no network). The import runs in a child process (`clusterhub import
projects FILE --json`) so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/bench_projects"
CITIES = [
    ("220100", "长春市", 125.32, 43.82, 46),
    ("220200", "吉林市", 126.55, 43.84, 13),
    ("220300", "四平市", 124.35, 43.17, 10),
    ("220400", "辽源市", 125.14, 42.89, 6),
    ("220500", "通化市", 125.94, 41.73, 4),
    ("220600", "白山市", 126.41, 41.94, 3),
    ("220700", "松原市", 124.83, 45.14, 7),
    ("220800", "白城市", 122.84, 45.62, 6),
    ("222400", "延边朝鲜族自治州", 129.47, 42.91, 5),
]
STAGES = ["lead", "negotiating", "signed", "started", "operating", "stalled", "dropped"]
STAGE_WEIGHTS = [10, 14, 14, 14, 30, 6, 12]
PIPELINE = ["lead", "negotiating", "signed", "started", "operating"]


def setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        _create_database(database_url)
    os.environ.setdefault("CLUSTERHUB_DATA_DIR", tempfile.mkdtemp(prefix="bench-projects-"))
    os.environ["CLUSTERHUB_DEBUG"] = "0"  # as in production: no query log kept in memory
    os.environ["CLUSTERHUB_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------------------------------------
# Data


def base_records(*, investors: int = 2000):
    """The province, nine cities (with a district each), investors, users with their roles."""
    from django.contrib.auth import get_user_model

    from clusterhub.accounts.models import Membership, Organisation
    from clusterhub.enterprises.models import Enterprise
    from clusterhub.geo.models import Region

    province, _ = Region.objects.get_or_create(
        code="220000", defaults={"name": "吉林省", "name_en": "Jilin", "level": "province"}
    )
    cities, districts = {}, {}
    for code, name, lon, lat, _weight in CITIES:
        city, _ = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": "prefecture",
                "parent": province,
                "longitude": Decimal(str(lon)),
                "latitude": Decimal(str(lat)),
                "datum": "GCJ-02",
            },
        )
        cities[code] = city
        districts[code], _ = Region.objects.get_or_create(
            code=code[:4] + "02", defaults={"name": f"{name}区", "level": "county", "parent": city}
        )
    if Enterprise.objects.count() < investors:
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"基准投资企业{n:05d}有限公司",
                    kind="tier1" if n % 3 else "tier2",
                    home_region=cities[CITIES[n % len(CITIES)][0]],
                    public_id=f"EB{n:08d}",
                )
                for n in range(investors)
            ],
            ignore_conflicts=True,
        )
    User = get_user_model()
    users = {}
    for username, org_name, kind, region, role in (
        ("bench_province_viewer", "基准省厅", "provincial_department", province, "viewer"),
        ("bench_changchun", "基准长春局", "city_bureau", cities["220100"], "officer"),
    ):
        user, _ = User.objects.get_or_create(username=username)
        organisation, _ = Organisation.objects.get_or_create(
            name=org_name, defaults={"kind": kind, "region": region}
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        users[username] = user
    return province, cities, districts, users


def populate(*, projects: int, events: int, seed: int = 4, investors: int = 2000) -> dict:
    """Replace all projects with `projects` generated ones and about `events` stage events, with
    milestones, funds, activities and targets in proportion. Fast bulk writes (COPY on
    PostgreSQL); the change log is not written for generated rows."""
    from django.db import connection

    from clusterhub.enterprises.models import Enterprise
    from clusterhub.projects.models import Activity, FundsArrival, Milestone, Project, Target

    rng = random.Random(seed)
    _province, cities, districts, users = base_records(investors=investors)
    wipe(Project.objects.all())
    for model in (Activity, Target):
        model.objects.all()._raw_delete(model.objects.db)
    investors = list(Enterprise.objects.values_list("pk", flat=True)[:2000])
    city_codes = [c[0] for c in CITIES]
    weights = [c[4] for c in CITIES]
    today = datetime.date.today()
    start = datetime.date(2020, 1, 1)
    span = (today - start).days
    now = datetime.datetime.now(datetime.UTC)
    owner = users["bench_changchun"]
    batch = []
    stages = rng.choices(STAGES, STAGE_WEIGHTS, k=projects)
    for n in range(projects):
        code = rng.choices(city_codes, weights)[0]
        region = districts[code]
        stage = stages[n]
        lead_on = start + datetime.timedelta(days=rng.randrange(span))
        reached = PIPELINE.index(stage) if stage in PIPELINE else rng.randrange(0, 3)
        dates = {}
        day = lead_on
        for step in PIPELINE[2 : reached + 1]:
            day = min(day + datetime.timedelta(days=rng.randint(30, 200)), today)
            dates[step] = day
        amount = Decimal(rng.randint(2_000, 300_000)) * 10_000 if "signed" in dates else None
        batch.append(
            Project(
                code=f"B{n:07d}",
                name=f"基准项目{n}",
                investor_id=rng.choice(investors),
                segment=rng.choice(["vehicles", "parts", "parts", "materials", "services"]),
                origin_kind=rng.choice(["gap", "event", "meeting", "visit", "referral"]),
                signing_region=region,
                landing_region=region,
                region_path=region.path,
                city=cities[code],
                owner=owner if code == "220100" and n % 7 == 0 else None,
                confidentiality=rng.choice(["public", "internal", "internal", "confidential"]),
                stage=stage,
                stalled_from="signed" if stage == "stalled" else "",
                stage_changed_at=now - datetime.timedelta(days=rng.randrange(0, 900)),
                lead_on=lead_on,
                signed_on=dates.get("signed"),
                started_on=dates.get("started"),
                operating_on=dates.get("operating"),
                contract_amount=amount,
                planned_investment=amount,
                funds_arrived=amount / 2 if amount else None,
                site_address="基准路1号",
                is_synthetic=True,
            )
        )
    Project.objects.bulk_create(batch, batch_size=5000)
    rows = list(Project.objects.values_list("pk", "lead_on", "stage"))
    per_project = max(1, events // max(projects, 1))
    extra = events - per_project * len(rows)
    stage_rows = []
    for index, (pk, lead_on, stage) in enumerate(rows):
        count = per_project + (1 if index < extra else 0)
        previous = ""
        for k in range(count):
            to_stage = PIPELINE[k % len(PIPELINE)] if k < len(PIPELINE) else stage
            on = lead_on + datetime.timedelta(days=30 * k)
            stage_rows.append((pk, previous, to_stage, now, min(on, today), "", "import", ""))
            previous = to_stage
    _write_stage_events(connection, stage_rows)
    signed = [r for r in rows if r[2] in ("signed", "started", "operating", "stalled")]
    Milestone.objects.bulk_create(
        [
            Milestone(
                project_id=pk,
                title="取得土地证",
                due_on=lead_on + datetime.timedelta(days=rng.randint(60, 900)),
                done_on=None if rng.random() < 0.4 else lead_on,
            )
            for pk, lead_on, _stage in signed[: projects // 3]
        ],
        batch_size=5000,
    )
    FundsArrival.objects.bulk_create(
        [
            FundsArrival(
                project_id=pk,
                on=min(lead_on + datetime.timedelta(days=120), today),
                amount=Decimal(1_000_000),
            )
            for pk, lead_on, _stage in signed[: projects // 2]
        ],
        batch_size=5000,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                kind=rng.choice(["visit", "meeting", "event"]),
                on=today - datetime.timedelta(days=rng.randrange(0, 400)),
                region=cities[code],
                region_path=cities[code].path,
                title="基准活动",
            )
            for code in rng.choices(city_codes, weights, k=max(projects // 5, 10))
        ],
        batch_size=5000,
    )
    targets = []
    for year in range(2021, today.year + 1):
        for metric in ("projects_signed", "contract_amount", "funds_arrived", "projects_started"):
            value = Decimal(projects // 10) if metric.startswith("projects") else Decimal(10**11)
            targets.append(Target(scope_kind="cluster", year=year, metric=metric, value=value))
            for code, city in cities.items():
                targets.append(
                    Target(
                        scope_kind="city",
                        region=city,
                        region_path=city.path,
                        year=year,
                        metric=metric,
                        value=value * Decimal(str(weights[city_codes.index(code)] / 100)),
                    )
                )
    Target.objects.bulk_create(targets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"projects": len(rows), "stage_events": len(stage_rows), "users": users}


def wipe(projects) -> None:
    """Delete projects and what hangs on them without signals (generated rows only)."""
    from clusterhub.projects.models import FundsArrival, Milestone, Problem, StageEvent

    ids = projects.values("pk")
    for model in (StageEvent, Milestone, Problem, FundsArrival):
        model.objects.filter(project__in=ids)._raw_delete(model.objects.db)
    for through in (projects.model.named_people.through, projects.model.chain_nodes.through):
        through.objects.filter(project__in=ids)._raw_delete(through.objects.db)
    from clusterhub.projects.models import Activity

    Activity.objects.filter(project__in=ids).update(project=None)
    projects._raw_delete(projects.db)


def _write_stage_events(connection, rows) -> None:
    from clusterhub.projects.models import StageEvent

    if connection.vendor == "postgresql":
        columns = 'project_id, from_stage, to_stage, at, "on", user_name, source, reason'
        table = StageEvent._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    StageEvent.objects.bulk_create(
        [
            StageEvent(
                project_id=pk,
                from_stage=f,
                to_stage=t,
                at=at,
                on=on,
                user_name=u,
                source=s,
                reason=r,
            )
            for pk, f, t, at, on, u, s, r in rows
        ],
        batch_size=5000,
    )


# ---------------------------------------------------------------------------------------------
# Pages


PAGES = {
    "cockpit (cold)": ("/cockpit/", {}),
    "cockpit (cached)": ("/cockpit/", {}),
    "filtered list": (
        "/projects/",
        {"stage": "signed", "region": "220100", "segment": "parts", "sort": "-amount"},
    ),
    "list, first page": ("/projects/", {}),
}


def measure_floor(user, *, repeat: int = 5) -> float:
    """The baseline of a page: the median time of a bare count of the projects the user may see
    (one query through the same access filter, no grouping, no template)."""
    from clusterhub.projects.models import Project

    visible = Project.objects.restrict(user, "view")
    visible.count()
    times = []
    for _round in range(repeat):
        begin = time.perf_counter()
        visible.count()
        times.append((time.perf_counter() - begin) * 1000)
    return round(statistics.median(times), 1)


def measure_pages(users: dict, *, repeat: int = 5) -> list[dict]:
    """Median server time and query count of each page for each user."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = []
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        for label, (url, params) in PAGES.items():
            # "cold": the cockpit's cache emptied before each request, as after any change.
            cold = "cold" in label
            response = client.get(url, params)  # warm caches (templates, plans)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(url, params)
            # Counted now: the next request's start clears the connection's query log.
            query_count = len(queries.captured_queries)
            for _round in range(repeat):
                if cold:
                    cache.clear()
                begin = time.perf_counter()
                client.get(url, params)
                times.append((time.perf_counter() - begin) * 1000)
            results.append(
                {
                    "user": username,
                    "page": label,
                    "ms": round(statistics.median(times), 1) if times else None,
                    "max_ms": round(max(times), 1) if times else None,
                    "queries": query_count,
                    "floor_ms": measure_floor(user, repeat=repeat),
                }
            )
    return results


# ---------------------------------------------------------------------------------------------
# Import


HEADER = [
    "项目编号",
    "项目名称",
    "投资主体",
    "签约地",
    "落地县区",
    "项目状态",
    "计划总投资（万元）",
    "合同金额（亿元）",
    "签约日期",
    "开工日期",
    "项目地址",
]


def write_xlsx(path: Path, rows: int, *, seed: int = 7, investors: int = 2000) -> None:
    """A bureau-style list: Chinese headers, mixed units (some cells carry their own), Chinese
    dates, a few stages."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("项目台账")
    sheet.append(["吉林省汽车产业招商项目台账（基准）"])
    sheet.append(HEADER)
    for n in range(rows):
        code = CITIES[n % len(CITIES)][0]
        stage = rng.choice(["洽谈", "签约", "开工"])
        signed = stage != "洽谈"
        amount = f"{rng.randint(500, 9000)}万元" if n % 10 == 0 else f"{rng.randint(1, 80) / 10}"
        sheet.append(
            [
                f"IMP{n:06d}",
                f"导入项目{n}",
                f"EB{n % investors:08d}",
                code,
                code[:4] + "02",
                stage,
                rng.randint(1_000, 500_000),
                amount if signed else None,
                f"2024年{rng.randint(1, 6)}月{rng.randint(1, 28)}日" if signed else None,
                f"2024.{rng.randint(7, 10)}.{rng.randint(1, 28)}" if stage == "开工" else None,
                "基准路2号",
            ]
        )
    workbook.save(path)


def measure_plain_insert(rows: int, *, seed: int = 7, investors: int = 2000) -> dict:
    """The import's baseline: the same number of projects (the generator's codes, names,
    investors, cities, stages, amounts and dates, already parsed) written by a plain
    bulk_create in this process: no file, no validation, no stage events, no change log. Wall
    and CPU seconds; the rows are removed afterwards."""
    from clusterhub.enterprises.models import Enterprise
    from clusterhub.geo.models import Region
    from clusterhub.projects.models import Project

    rng = random.Random(seed)
    regions = {r.code: r for r in Region.objects.all()}
    by_public_id = dict(Enterprise.objects.values_list("public_id", "pk"))
    now = datetime.datetime.now(datetime.UTC)
    begin, cpu = time.perf_counter(), time.process_time()
    projects = []
    for n in range(rows):
        code = CITIES[n % len(CITIES)][0]
        stage = rng.choice(["negotiating", "signed", "started"])
        signed = stage != "negotiating"
        district = regions[code[:4] + "02"]
        projects.append(
            Project(
                code=f"PLAIN{n:06d}",
                name=f"导入项目{n}",
                investor_id=by_public_id[f"EB{n % investors:08d}"],
                signing_region=regions[code],
                landing_region=district,
                region_path=district.path,
                city=regions[code],
                stage=stage,
                stage_changed_at=now,
                lead_on=datetime.date(2024, 1, 1),
                planned_investment=Decimal(rng.randint(1_000, 500_000)) * 10_000,
                contract_amount=Decimal(rng.randint(1, 80)) * 10_000_000 if signed else None,
                signed_on=datetime.date(2024, rng.randint(1, 6), rng.randint(1, 28))
                if signed
                else None,
                site_address="基准路2号",
            )
        )
    Project.objects.bulk_create(projects, batch_size=1000)
    result = {
        "seconds": round(time.perf_counter() - begin, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
    }
    wipe(Project.objects.filter(code__startswith="PLAIN"))
    return result


def _sample_peak(child, peaks: list) -> None:
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.05)


def measure_import(path: Path) -> dict:
    """Dry run and commit in a child process: wall time and the child's peak memory."""
    from clusterhub.projects.models import Project

    wipe(Project.objects.filter(code__startswith="IMP"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env["CLUSTERHUB_MAX_UPLOAD_BYTES"] = str(500 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "clusterhub.cli", "import", "projects", str(path), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The child's own peak: VmHWM of its memory after exec, sampled while it runs. (Its
    # ru_maxrss would include this process's size at the fork: Linux keeps the high-water mark
    # across exec, and this process holds the 100,000 generated projects.)
    peaks = [0]
    sampler = threading.Thread(target=_sample_peak, args=(child, peaks), daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    sampler.join()
    seconds = time.perf_counter() - begin
    result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = max(peaks) or usage.ru_maxrss
    # CPU time of the import process: on a shared machine, what it would take alone.
    cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
    import json

    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"import failed: {result.stderr[-2000:]}")
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_mb": round(peak_kb / 1024),
        "created": data.get("created"),
        "rejected": data.get("counts", {}).get("rejected"),
        "conversions": data.get("counts", {}).get("conversions"),
        "committed": data.get("committed"),
    }


# ---------------------------------------------------------------------------------------------


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--small", type=int, default=2_000, help="size of the query-count baseline")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    begin = time.perf_counter()
    small = populate(projects=args.small, events=args.small * 10)
    baseline = {
        (r["user"], r["page"]): r["queries"] for r in measure_pages(small["users"], repeat=1)
    }
    data = populate(projects=args.projects, events=args.events)
    print(
        f"generated {data['projects']:,} projects and {data['stage_events']:,} stage events "
        f"in {time.perf_counter() - begin:.0f} s"
    )
    failures = []
    print(f"load average: {_loadavg()}")
    print(
        f"{'user':24} {'page':18} {'median ms':>10} {'max ms':>8} {'queries':>8} "
        f"{'at ' + str(args.small):>8} {'floor ms':>9} {'ratio':>6}"
    )
    # floor: a bare count of the projects the user may see, measured right after the page.
    for row in measure_pages(data["users"], repeat=args.repeat):
        base = baseline[(row["user"], row["page"])]
        ratio = row["ms"] / row["floor_ms"] if row["floor_ms"] else float("nan")
        print(
            f"{row['user']:24} {row['page']:18} {row['ms']:>10} {row['max_ms']:>8} "
            f"{row['queries']:>8} {base:>8} {row['floor_ms']:>9} {ratio:>5.1f}x"
        )
        if row["ms"] > 300:
            failures.append(f"{row['page']} for {row['user']}: {row['ms']} ms")
        if row["queries"] != base:
            failures.append(f"{row['page']} for {row['user']}: queries {base} -> {row['queries']}")
    if args.import_rows:
        path = Path(tempfile.mkdtemp(prefix="bench-projects-xlsx-")) / "projects.xlsx"
        write_xlsx(path, args.import_rows)
        print(f"import file: {args.import_rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        result = measure_import(path)
        print(
            f"import: {result['seconds']} s wall, {result['cpu_seconds']} s CPU, peak "
            f"{result['peak_mb']} MB, created "
            f"{result['created']:,}, rejected {result['rejected']}, conversions "
            f"{result['conversions']} (load average {_loadavg()})"
        )
        plain = measure_plain_insert(args.import_rows)
        print(
            f"baseline, the same number of projects by a plain bulk_create (no file, no "
            f"validation, no events, no change log): {plain['seconds']} s wall, "
            f"{plain['cpu_seconds']} s CPU; import / baseline: "
            f"{result['seconds'] / max(plain['seconds'], 0.1):.1f}x wall, "
            f"{result['cpu_seconds'] / max(plain['cpu_seconds'], 0.1):.1f}x CPU"
        )
        if result["seconds"] > 60 or result["peak_mb"] > 1024 or not result["committed"]:
            failures.append(f"import: {result}")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        raise SystemExit(1)
    print("all targets met")


if __name__ == "__main__":
    main()

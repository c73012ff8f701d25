"""Collects the raw wrk figures of one bench run into var/bench/results.json
and results.md and prints the table beside the issue's targets."""

import json
import os
import sys
from pathlib import Path

BENCH_DIR = Path(sys.argv[1])
RAW = BENCH_DIR / "raw"

# Issue #10: throughput (req/s), p95 and p99 (ms) at 1,000,000 vacancies.
TARGETS = {
    "search": (100, 150, 300),
    "vacancy": (1000, 30, 60),
    "career_hubs": (500, 50, 100),
    "home": (500, 50, 100),
}
MEMORY_TARGET_MB = 150
LOAD_TARGET_S = 180  # seed_demo --vacancies 1000000
IMPORT_TARGET_RATE = 2000  # records/s on a 100,000-record file
ORDER = [
    "search",
    "search_keyword",
    "search_keyword_place",
    "search_place",
    "search_filters",
    "search_deep",
    "vacancy",
    "career_hubs",
    "company",
    "home",
    "feed",
    "floor",
]


CPU_GROUPS = ("site", "postgres", "redis")


def cpu_per_request(path, page):
    """{group: CPU ms per request} over the measured run, from the tick
    counts bench.sh wrote (site workers, PostgreSQL, Redis), or {}."""
    if not path.exists() or not page["requests"]:
        return {}
    *numbers, hz = (int(x) for x in path.read_text().split())
    before, after = numbers[: len(CPU_GROUPS)], numbers[len(CPU_GROUPS) :]
    return {
        group: round((end - start) / hz * 1000 / page["requests"], 2)
        for group, start, end in zip(CPU_GROUPS, before, after, strict=True)
    }


def main():
    meta = json.loads((BENCH_DIR / "meta.json").read_text())
    pages = {}
    for name in ORDER:
        path = RAW / f"{name}.json"
        if path.exists():
            pages[name] = json.loads(path.read_text())
            pages[name]["cpu_ms_per_request"] = cpu_per_request(RAW / f"{name}.cpu", pages[name])
    rss = (
        [int(x) for x in (BENCH_DIR / "rss.txt").read_text().split()]
        if (BENCH_DIR / "rss.txt").exists()
        else []
    )
    workers_mb = [round(kb / 1024, 1) for kb in rss]
    results = {**meta, "pages": pages, "worker_rss_mb": workers_mb, "targets": TARGETS}
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    lines = [
        f"# Benchmark: {meta['vacancies']:,} vacancies, {meta['connections']} connections, "
        f"{meta['duration_s']} s per page type",
        "",
        f"commit {meta['commit']}, {meta['started']}, load: {meta.get('load_s', 'schon geladen')} s",
        "",
        "| page type | req/s | p50 ms | p95 ms | p99 ms | errors | target (req/s, p95, p99) | met "
        "| CPU ms/request: site · PostgreSQL · Redis |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for name, page in pages.items():
        errors = page["non_200"] + page["socket_errors"]
        target = TARGETS.get(name)
        met = ""
        if target:
            ok = page["rps"] >= target[0] and page["p95_ms"] <= target[1] and page["p99_ms"] <= target[2]
            met = "yes" if ok and not errors else "NO"
        cpu = page.get("cpu_ms_per_request") or {}
        cpu_text = " · ".join(f"{cpu[group]:.2f}" for group in CPU_GROUPS) if cpu else ""
        lines.append(
            f"| {name} | {page['rps']:,.0f} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{page['p99_ms']:.1f} | {errors} | {', '.join(map(str, target)) if target else ''} | {met} "
            f"| {cpu_text} |"
        )
    worst = max(workers_mb) if workers_mb else 0
    lines += [
        "",
        f"Worker RSS after the run (MB): {', '.join(map(str, workers_mb))} "
        f"(target <= {MEMORY_TARGET_MB}: {'yes' if worst <= MEMORY_TARGET_MB else 'NO'})",
    ]
    if meta.get("load_s"):
        ok = meta["load_s"] < LOAD_TARGET_S
        lines.append(f"seed_demo: {meta['load_s']} s (target < {LOAD_TARGET_S} s: {'yes' if ok else 'NO'})")
    if meta.get("import_s"):
        rate = meta["import_records"] / meta["import_s"]
        ok = rate >= IMPORT_TARGET_RATE
        lines.append(
            f"import_vacancies: {meta['import_records']:,} records in {meta['import_s']} s = {rate:,.0f}/s "
            f"(target >= {IMPORT_TARGET_RATE}/s: {'yes' if ok else 'NO'})"
        )
    if meta.get("flushed"):
        lines.append(f"flush_stats: {meta['flushed']}")
    lines.append(
        "CPU ms/request: CPU time of the site's workers, PostgreSQL and Redis during the measured "
        "run, divided by its requests (the machine has 2 cores; wrk itself is not counted)."
    )
    text = "\n".join(lines) + "\n"
    (BENCH_DIR / "results.md").write_text(text)
    print(text)
    if os.environ.get("BENCH_STRICT") and any("| NO |" in line for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()

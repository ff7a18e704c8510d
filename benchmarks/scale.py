"""Scale benchmark: a generated corpus of N documents, built, added to, removed from, and queried.

    .venv/bin/python benchmarks/scale.py --n 1000 [--regions 50] [--pages] [--keep DIR]

Generates N documents from the seeds in a temp folder with its own manifest,
regions file and extraction cache (the seeds themselves are only read):
each document mixes paragraphs of several seeds (so themes vary), its length
is drawn between a third and twice a seed's, it belongs to one of `--regions`
places (province → city → district → sub-district), its year is 2010–2025
(years in the text follow it) and about 40% are converted to Traditional
script with OpenCC. Then it measures, each in a fresh process where it says so:
- the cold build (`python -m etl build`, no cache) and the build process's peak RSS,
- `etl add` of one more document and `etl remove` of it,
- every public function of app/queries.py over a set of filter cases (p50/p95),
- the target/achievement pairing chart, keyword in context (a frequent word and an absent one),
- a six-chart deck (chart data and PowerPoint),
- with `--pages`, every dashboard page in headless Chromium (in a new browser, first open, reload,
  a filter changed), beside Streamlit's own page with one chart timed the same way.
Prints a table `what | figure | goal`. Prints figures; it is not a pass/fail test.
"""
import argparse
import csv
import inspect
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.manifest import read_manifest  # noqa: E402
from etl.read import read_text_file  # noqa: E402

# Goals of issue 10.
QUERY_GOAL_MS = 100
ADD_GOAL_S = 2.0
MEMORY_GOAL_MB = 1024
PAIRING_GOAL_MS = 100
DECK_GOAL_S = 3.0
PAGE_FIRST_GOAL_S = 2.0
PAGE_RERUN_GOAL_S = 1.0
FIRST_YEAR, LAST_YEAR = 2010, 2025
TRADITIONAL_SHARE = 0.4
# Length of a generated document relative to its base seed.
MIN_LENGTH, MAX_LENGTH = 0.33, 2.0
# Seeds whose paragraphs a document mixes: its base seed and up to this many others.
MIXED_SEEDS = 2
DOC_TYPES = ["plan", "priorities", "summary", "article", "report"]
YEAR_IN_TEXT = re.compile(r"(?<![0-9])(20[0-2][0-9])(?=年)")
PRESENT_TERM = "就业"
ABSENT_TERM = "不存在的词语甲乙丙"
PAGES = ["", "themes", "trends", "targets", "initiatives", "brief", "keywords", "documents", "method"]
BUILD_SCRIPT = """
import resource, runpy, sys
sys.path.insert(0, sys.argv[1])
sys.argv = ["etl", *sys.argv[2:]]
code = 0
try:
    runpy.run_module("etl", run_name="__main__")
except SystemExit as exc:
    code = exc.code or 0
print("PEAK_RSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def region_rows(n_regions):
    """`n_regions` places over a few provinces, cities and districts; every fifth one a whole district."""
    rows = []
    for i in range(n_regions):
        p, c, d = i % 4, (i // 4) % 3, (i // 12) % 5
        row = {"region_id": f"gen_{i:03d}", "sort_order": i + 1, "name_zh": f"生成{i:03d}", "name_en": f"Generated {i:03d}",
               "province": f"第{p}省", "city": f"第{p}省{c}市", "district": f"第{c}市{d}区",
               "subdistrict": "" if i % 5 == 4 else f"第{i}街道"}
        row["name_zh"] = row["subdistrict"] or row["district"]
        rows.append(row)
    return rows


def write_regions(path, rows):
    """A regions yaml of the same form as config/regions.yaml."""
    import yaml
    doc = yaml.safe_load((ROOT / "config" / "regions.yaml").read_text(encoding="utf-8"))
    doc["regions"] = rows
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


class Generator:
    """Documents made of seed paragraphs, placed, dated and scripted at random (seeded: reproducible)."""

    def __init__(self, regions, seed=10):
        import opencc
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        self.regions = regions
        self.seeds = []
        for name, meta in read_manifest(ROOT / "seeds" / "manifest.csv").items():
            text = read_text_file(ROOT / "seeds" / name).text
            paras = [p for p in text.split("\n") if p.strip()]
            self.seeds.append((meta, paras))

    def document(self, i):
        rng = self.rng
        meta, base = self.seeds[i % len(self.seeds)]
        others = rng.sample([p for m, p in self.seeds if p is not base], k=min(MIXED_SEEDS, len(self.seeds) - 1))
        target = max(5, int(len(base) * rng.uniform(MIN_LENGTH, MAX_LENGTH)))
        body = base[1:max(2, int(target * 0.6))]
        pool = [p for ps in others for p in ps[1:]]
        body = body + rng.sample(pool, k=min(len(pool), max(0, target - len(body))))
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        region = self.regions[rng.randrange(len(self.regions))]
        place = region["subdistrict"] or region["district"]
        shift = year - (meta.year or year)
        text = "\n".join([base[0], *body])
        text = YEAR_IN_TEXT.sub(lambda m: str(min(LAST_YEAR, max(FIRST_YEAR - 5, int(m.group(1)) + shift))), text)
        for old in {meta.subdistrict, meta.district} - {""}:
            text = text.replace(old, place)
        script = "traditional" if rng.random() < TRADITIONAL_SHARE else "simplified"
        if script == "traditional":
            text = self.s2t.convert(text)
        name = f"{i:05d}_gen.txt"
        doc_type = rng.choice(DOC_TYPES)
        row = {"source_file": name, "region_id": region["region_id"], "province": region["province"],
               "city": region["city"], "district": region["district"], "subdistrict": region["subdistrict"],
               "year": year, "year_inferred": "false", "doc_type": doc_type,
               "title": f"{place}{year}年{doc_type}{i}", "published": "", "script": script}
        return name, text, row


def generate(folder, n, n_regions):
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    regions = region_rows(n_regions)
    write_regions(folder / "regions.yaml", regions)
    gen = Generator(regions)
    rows, size = [], 0
    for i in range(n):
        name, text, row = gen.document(i)
        data = text.encode("utf-8")
        (seeds / name).write_bytes(data)
        size += len(data)
        rows.append(row)
    with open(seeds / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    extra_name, extra_text, extra_row = gen.document(n)
    extra = folder / f"extra_{extra_name}"
    extra.write_text(extra_text, encoding="utf-8")
    return size, extra, extra_row


def run_etl(args, env):
    """`python -m etl ARGS` in a fresh process: (seconds, peak RSS of that process in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(ROOT), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"etl {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    peak = re.search(r"PEAK_RSS_KB (\d+)", proc.stderr)
    return seconds, int(peak.group(1)) / 1024 if peak else float("nan"), proc.stdout + proc.stderr


def percentiles(times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def filter_cases(con):
    """Filter cases of a dashboard session: none, one place, one year, place and year, a type, several places."""
    from app import queries
    regs = [r for r in queries.documents(con).region_id.unique()]
    yrs = queries.years(con)
    return [{}, {"regions": regs[:1]}, {"years": yrs[-1:]}, {"regions": regs[:1], "years": yrs[-1:]},
            {"doc_types": ["plan"]}, {"regions": regs[:5]}, {"years": yrs[-3:]}]


def time_call(fn, *args, **kwargs):
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def time_queries(con, cases, repeat=1):
    """{function: [ms per case]} for every public function of app.queries taking a connection."""
    from app import queries
    docs = queries.documents(con)
    doc = docs.iloc[len(docs) // 2].doc_id
    region = docs.region_id.iloc[0]
    # The arguments a page passes to the functions that need more than filters: a theme, a term, a document,
    # the most frequent unit, the first place and its latest year, a count, a page.
    extra = {"theme": "economy", "term": PRESENT_TERM, "doc_id": doc, "order": (), "unit": queries.top_unit(con),
             "region": region, "region_id": region, "year": int(docs.year[docs.region_id == region].max()),
             "by": "unit", "limit": queries.PAGE_SIZE}
    out = {}
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != queries.__name__ or name == "connect":
            continue
        params = inspect.signature(fn).parameters
        if next(iter(params), None) != "con":
            continue
        fixed = {k: v for k, v in extra.items() if k in params}
        required = [p for p in params.values() if p.default is p.empty and p.name not in ("con", *fixed)]
        if required:
            continue
        filtered = any(k in params for k in ("regions", "years", "doc_types"))
        times = []
        for case in (cases if filtered else [{}]):
            for _ in range(repeat):
                times.append(time_call(fn, con, **fixed, **{k: v for k, v in case.items() if k in params}))
        out[name] = times
    return out


DECK_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from app import deck
from app.labels import Labels
from export import cli
start = time.perf_counter()
con = cli.open_warehouse(sys.argv[2])
filters = cli.make_filters(con)
specs, _ = cli.build_specs(con, filters, list(cli.DEFAULT_CHARTS))
lines = deck.describe_filters(filters, Labels(con, "zh"), "zh")
deck.deck_bytes(specs, filter_lines=lines)
print("DECK_SECONDS", time.perf_counter() - start)
"""


def time_deck(warehouse, env, timeout):
    """Seconds to build the six-chart deck in a fresh process (after its imports), or None past `timeout`."""
    try:
        proc = subprocess.run([sys.executable, "-c", DECK_SCRIPT, str(ROOT), str(warehouse)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    found = re.search(r"DECK_SECONDS ([0-9.]+)", proc.stdout)
    if not found:
        raise RuntimeError(f"deck failed:\n{proc.stderr[-3000:]}")
    return float(found.group(1))


# A year in every generated corpus (2010-2025): the filter a page is timed with after its first render.
FILTER_YEAR = 2020


def wait_for_run(pg, timeout=120000):
    """Until the app's script run has finished and what it sent is drawn.

    Streamlit marks a finished run on the app root, but elements whose code it
    loads on demand (charts, tables) are still skeletons then, and a chart's
    SVG comes after its component mounts: the timer waits for no skeleton in
    the page and an SVG in every Plotly chart (without that, a page with one
    chart measured 0.9 s less). Then two animation frames and a layout read,
    so the elements are laid out, not only received.
    """
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    pg.wait_for_function("""() => !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')
        && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
               .every(c => c.querySelector('.main-svg'))""", timeout=timeout)
    pg.evaluate("""() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
                       () => done(document.body.scrollHeight))))""")


def _timed(pg, step, *args):
    """Seconds from `step(pg, *args)` to the app's finished run; infinity for a page that does not settle."""
    start = time.perf_counter()
    try:
        step(pg, *args)
        wait_for_run(pg)
        return time.perf_counter() - start
    except Exception:
        return float("inf")


def _goto(pg, address):
    pg.goto(address)


def _count_characters(pg):
    """Change a filter of the open page: the sidebar's measure to characters; the address says when the run has it."""
    from app.i18n import t
    pg.locator('[data-testid="stSidebar"]').get_by_text(t("measure_chars", "zh")).click()
    pg.wait_for_url("**m=chars**")


def time_pages(warehouse, env, pages=PAGES):
    """Per page, seconds until a run is finished and drawn, in the order a user meets them:
    - `new browser`: the page with ?y=FILTER_YEAR in a new browser context (no cached scripts or
      styles; that filter's queries not yet run by the server);
    - `first`: then the page as linked, in the same browser (Streamlit's scripts now cached), its
      default queries not yet run: a page opened for the first time in a session;
    - `reload`: the same address again;
    - `filter changed`: the sidebar's measure switched to characters in the open page (`m=chars`
      in the address once the run has read it), whose queries are not yet cached: what a user
      changing a filter waits for.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from e2e_helpers import launch_chromium, run_streamlit
    from playwright.sync_api import sync_playwright
    out = {}
    extra_env = {k: env[k] for k in ("JIEDAO_REGIONS", "JIEDAO_SEEDS", "JIEDAO_CACHE")}
    with run_streamlit(warehouse, extra_env=extra_env) as url, sync_playwright() as p, launch_chromium(p) as b:
        for page in pages:
            ctx = b.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            pg = ctx.new_page()
            times = [_timed(pg, _goto, address)
                     for address in (f"{url}/{page}?y={FILTER_YEAR}", f"{url}/{page}", f"{url}/{page}")]
            times.append(_timed(pg, _count_characters))
            out[page or "overview"] = times
            ctx.close()
    return out


# The floor under every page figure: Streamlit's own page with one small Plotly chart, timed the same way.
BARE_PAGE = """import plotly.graph_objects as go
import streamlit as st
st.title("Jiedao Lens")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 2, 3])))
"""


def time_bare_page(folder):
    """Seconds to a drawn run of BARE_PAGE: in a new browser context, and reloaded (median of three each)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from e2e_helpers import launch_chromium, run_streamlit
    from playwright.sync_api import sync_playwright
    script = folder / "bare_page.py"
    script.write_text(BARE_PAGE, encoding="utf-8")
    new, reload = [], []
    with run_streamlit(folder / "none.duckdb", script=str(script)) as url, sync_playwright() as p, \
            launch_chromium(p) as b:
        for _ in range(3):
            ctx = b.new_context(viewport={"width": 1400, "height": 1000})
            pg = ctx.new_page()
            new.append(_timed(pg, _goto, url))
            reload.append(_timed(pg, _goto, url))
            ctx.close()
    return statistics.median(new), statistics.median(reload)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--regions", type=int, default=50)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--pages", action="store_true", help="also time every page in headless Chromium")
    ap.add_argument("--deck-timeout", type=float, default=600, help="stop the deck after this many seconds")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder, removed)")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="jiedao-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []

    def row(what, figure, goal=""):
        rows.append((what, figure, goal))
        print(f"  {what}: {figure}  {goal}", flush=True)

    try:
        start = time.perf_counter()
        size, extra, extra_row = generate(folder, args.n, args.regions)
        row("corpus", f"{args.n} documents, {size / 1e6:.1f} MB, {args.regions} regions "
                      f"(generated in {time.perf_counter() - start:.1f} s)")
        warehouse = folder / "warehouse.duckdb"
        env = dict(os.environ, JIEDAO_REGIONS=str(folder / "regions.yaml"), JIEDAO_SEEDS=str(folder / "seeds"),
                   JIEDAO_CACHE=str(folder / "cache"), JIEDAO_WAREHOUSE=str(warehouse))
        workers = ["--workers", str(args.workers)] if args.workers else []
        seconds, peak, out = run_etl(["build", "--seeds", str(folder / "seeds"), "--warehouse", str(warehouse),
                                    "--quiet", *workers], env)
        failed = out.count("could not") + out.count("failed")
        row("cold build", f"{seconds:.1f} s, {size / 1e6 / seconds:.2f} MB/s" + (f", {failed} failure lines" if failed else ""))
        if failed or not warehouse.exists():
            print(out[-3000:], file=sys.stderr, flush=True)   # what went wrong, before the figures that need it
        row("build peak RSS (parent)", f"{peak:.0f} MB", f"< {MEMORY_GOAL_MB} MB")
        row("warehouse size", f"{warehouse.stat().st_size / 1e6:.0f} MB")

        import duckdb
        with duckdb.connect(str(warehouse), read_only=True) as con:
            counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("documents", "sentences", "facts", "terms")}
        row("rows", ", ".join(f"{k} {v:,}" for k, v in counts.items()))

        common = ["--seeds", str(folder / "seeds"), "--warehouse", str(warehouse),
                  "--regions", str(folder / "regions.yaml"), *workers]
        before = set(read_manifest(folder / "seeds" / "manifest.csv"))
        seconds, _, out = run_etl(["add", str(extra), "--region", extra_row["region_id"],
                                   "--year", str(extra_row["year"]), "--type", extra_row["doc_type"], *common], env)
        row("etl add (one document, process included)", f"{seconds:.2f} s", f"< {ADD_GOAL_S:.0f} s")
        added = sorted(set(read_manifest(folder / "seeds" / "manifest.csv")) - before)
        if added:
            seconds, _, _ = run_etl(["remove", Path(added[0]).stem, *common], env)
            row("etl remove (one document, process included)", f"{seconds:.2f} s", f"< {ADD_GOAL_S:.0f} s")
        else:
            row("etl remove", "skipped: the add printed no stored name")

        os.environ.update({k: env[k] for k in ("JIEDAO_REGIONS", "JIEDAO_SEEDS", "JIEDAO_CACHE", "JIEDAO_WAREHOUSE")})
        from app import analysis, chartdata, queries
        con = queries.connect(warehouse)
        cases = filter_cases(con)
        time_queries(con, cases[:1])   # warm DuckDB's cache once
        results = time_queries(con, cases)
        n_cases = sum(len(v) for v in results.values())
        slow = sum(t > QUERY_GOAL_MS for v in results.values() for t in v)
        for name, times in sorted(results.items(), key=lambda kv: -percentiles(kv[1])[1]):
            p50, p95 = percentiles(times)
            row(f"query {name}", f"p50 {p50:.0f} ms, p95 {p95:.0f} ms", f"p95 < {QUERY_GOAL_MS} ms")
        row("queries over goal", f"{slow} of {n_cases} function × filter cases", "0")

        from export import cli as export_cli
        filters = export_cli.make_filters(con)
        for label, f in (("all", filters), ("one year", export_cli.make_filters(con, years=queries.years(con)[-1:]))):
            start = time.perf_counter()
            spec = chartdata.build_target_achievement(con, f)
            ms = (time.perf_counter() - start) * 1000
            n_bars = len(spec.categories)
            row(f"pairing chart ({label})", f"{ms:.0f} ms, {n_bars} bars", f"< {PAIRING_GOAL_MS} ms, readable")
        for term in (PRESENT_TERM, ABSENT_TERM):
            start = time.perf_counter()
            rows_k = analysis.kwic_rows(queries.kwic(con, term), term)
            ms = (time.perf_counter() - start) * 1000
            row(f"keyword in context '{term}'", f"{ms:.0f} ms, {len(rows_k)} lines", f"< {QUERY_GOAL_MS} ms")

        unit = queries.top_unit(con)
        for label, yrs in (("all", ()), ("one year", queries.years(con)[-1:])):
            start = time.perf_counter()
            shown = queries.target_achievement_pairs(con, unit, years=yrs)
            ms = (time.perf_counter() - start) * 1000
            row(f"pairing query, through indicator_pairs, chart-sized ({label})",
                f"{ms:.0f} ms, {len(shown)} bars", f"< {PAIRING_GOAL_MS} ms, readable")
        region = queries.documents(con).region_id.iloc[0]
        start = time.perf_counter()
        analysis.keyness_from_pairs(queries.term_pair_counts(con, region))
        row("keyness from summed pairs (query + statistics)", f"{(time.perf_counter() - start) * 1000:.0f} ms",
            f"< {QUERY_GOAL_MS} ms")
        seconds = time_deck(warehouse, env, args.deck_timeout)
        row("six-chart deck (fresh process, imports excluded)",
            f"{seconds:.2f} s" if seconds is not None else f"> {args.deck_timeout:.0f} s (stopped)",
            f"< {DECK_GOAL_S:.0f} s")
        con.close()

        if args.pages:
            new, reload = time_bare_page(folder)
            row("floor: Streamlit page with one small chart", f"new browser {new:.1f} s, reload {reload:.1f} s")
            for page, (new, first, reload, changed) in time_pages(warehouse, env).items():
                row(f"page {page}", f"new browser {new:.1f} s, first {first:.1f} s, reload {reload:.1f} s, "
                                    f"filter changed {changed:.1f} s",
                    f"first < {PAGE_FIRST_GOAL_S:.0f} s, filter change < {PAGE_RERUN_GOAL_S:.0f} s")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    width = max(len(w) for w, _, _ in rows)
    fwidth = max(len(f) for _, f, _ in rows)
    print()
    print(f"| {'what':<{width}} | {'figure':<{fwidth}} | goal |")
    print(f"|{'-' * (width + 2)}|{'-' * (fwidth + 2)}|------|")
    for what, figure, goal in rows:
        print(f"| {what:<{width}} | {figure:<{fwidth}} | {goal} |")


if __name__ == "__main__":
    main()

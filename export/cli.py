"""Scripted decks: the dashboard's deck built from the command line, so a weekly deck can be scheduled.

    python -m export deck --out deck.pptx --regions REGION_A,REGION_B --years 2013,2014 \
        --charts theme_share_bar,theme_radar --lang zh

Specs come from `app.chartdata.CHARTS`, the builders the dashboard draws, so a
scripted deck holds the same numbers as the screen for the same filters.
"""
import argparse
import datetime as dt
import sys
import time
from pathlib import Path

DEFAULT_CHARTS = ("region_emphasis", "theme_share_bar", "theme_heatmap", "theme_radar", "theme_trend", "keyness_bar")


class UsageError(Exception):
    """A problem with the user's arguments or files: printed as one line, exit code 2."""


def _split(values):
    """--x a,b --x c -> ['a', 'b', 'c'] (keeps order, drops blanks and repeats)."""
    out = []
    for value in values or ():
        for part in str(value).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def default_warehouse():
    from etl import settings
    return settings.warehouse()


def open_warehouse(path):
    """A read-only connection, or a UsageError saying what is wrong with the file."""
    import duckdb

    from app import queries
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no warehouse at {path}: run `python -m etl build` first, or pass --warehouse")
    try:
        con = queries.connect(path)
        queries.document_count(con)
    except duckdb.Error as exc:
        raise UsageError(f"{path} is not a readable Jiedao Lens warehouse ({exc.__class__.__name__}: {exc})") from exc
    return con


def _check(kind, chosen, known):
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise UsageError(f"unknown {kind}: {', '.join(map(str, unknown))} (known: {', '.join(map(str, known))})")


def make_filters(con, regions=(), years=(), themes=(), doc_types=(), measure="sentences", mode="share",
                 focus=None, compare_with=None):
    """A Filters (app/filters.py) after checking every value against the warehouse."""
    from app import queries
    from app.filters import Filters
    known_regions = list(queries.regions(con)["region_id"])
    _check("region", regions, known_regions)
    _check("focus region", [focus] if focus else [], known_regions)
    _check("comparison region", [compare_with] if compare_with else [], known_regions)
    _check("theme", themes, list(queries.themes(con)["theme"]))
    _check("document type", doc_types, list(queries.doc_types(con)["doc_type"]))
    try:
        year_values = tuple(int(y) for y in years)
    except ValueError as exc:
        raise UsageError(f"years must be numbers: {', '.join(years)}") from exc
    _check("year", year_values, sorted(int(y) for y in queries.years(con)))
    return Filters(regions=tuple(regions), years=year_values, themes=tuple(themes), doc_types=tuple(doc_types),
                   measure=measure, mode=mode, region=focus, compare_with=compare_with)


def build_specs(con, filters, chart_keys, lang="zh"):
    """(specs with data, keys skipped for lack of data), in the order asked."""
    from app.chartdata import CHARTS
    _check("chart", chart_keys, list(CHARTS))
    specs, skipped = [], []
    for key in chart_keys:
        spec = CHARTS[key](con, filters, lang)
        (skipped.append(key) if spec.is_empty else specs.append(spec))
    return specs, skipped


def briefs_and_initiatives(con, filters, lang):
    """One brief per place (its latest year in the filters) and the initiative table's title, headers and rows."""
    from app import brief, deck, queries
    from app.i18n import t
    from app.labels import Labels
    briefs = brief.latest_briefs(con, lang, **filters.doc_args)
    lab = Labels(con, lang)
    rows = queries.initiative_years(con, **filters.doc_args)
    places = [r for r in lab.region_order if r in set(rows.region_id)]
    headers, table = deck.initiative_matrix(rows, places, lab.region_name)
    return briefs, t("brief_deck_table", lang), [t("col_initiative", lang)] + headers, table


def build_deck_file(out, warehouse=None, charts=DEFAULT_CHARTS, lang="zh", title=None, date=None, briefs=True,
                    **filter_args):
    """Write the deck to `out`; returns (number of chart slides, skipped chart keys).

    With `briefs`, a brief slide per place and the initiative table follow the charts.
    """
    from app import brief, deck
    from app.labels import Labels
    con = open_warehouse(warehouse or default_warehouse())
    try:
        filters = make_filters(con, **filter_args)
        specs, skipped = build_specs(con, filters, list(charts), lang)
        if not specs:
            raise UsageError("none of the charts has data for these filters: " + ", ".join(skipped))
        lines = deck.describe_filters(filters, Labels(con, lang), lang)
        extra = briefs_and_initiatives(con, filters, lang) if briefs else ([], "", [], [])
    finally:
        con.close()
    data = deck.briefs_deck_bytes(specs, *extra, lang=lang, filter_lines=lines, date=date, title=title,
                                  base=brief.app_url())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(specs), skipped


def parser():
    p = argparse.ArgumentParser(prog="python -m export", description="Jiedao Lens exports without the browser.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("deck", help="write a 16:9 PowerPoint deck with native charts",
                       description="Write a PowerPoint deck: a title slide, then one slide per chart. "
                                   "List options take comma-separated values and may be repeated.")
    d.add_argument("--out", required=True, help="the .pptx file to write")
    d.add_argument("--regions", action="append", help="region ids (default: all)")
    d.add_argument("--years", action="append", help="years (default: all)")
    d.add_argument("--themes", action="append", help="theme ids (default: all)")
    d.add_argument("--doc-types", action="append", help="document types: plan, priorities, summary, article")
    d.add_argument("--charts", action="append", help=f"chart keys in slide order (default: {','.join(DEFAULT_CHARTS)})")
    d.add_argument("--measure", choices=("sentences", "chars"), default="sentences")
    d.add_argument("--mode", choices=("share", "count"), default="share")
    d.add_argument("--focus", help="focus region for trend and keyness charts")
    d.add_argument("--compare-with", help="keyness: compare the focus region with this one (default: the rest)")
    d.add_argument("--lang", choices=("zh", "en"), default="zh")
    d.add_argument("--title", help="title of the first slide")
    d.add_argument("--no-briefs", action="store_true",
                   help="leave out the brief slide per place and the initiative table")
    d.add_argument("--warehouse", help="warehouse file (default: $JIEDAO_WAREHOUSE or ./warehouse.duckdb)")
    sub.add_parser("charts", help="list the chart keys")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if args.command == "charts":
        from app.chartdata import CHARTS
        print("\n".join(CHARTS))
        return 0
    if not args.out.lower().endswith(".pptx"):
        print(f"error: --out must end in .pptx: {args.out}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        n, skipped = build_deck_file(
            args.out, warehouse=args.warehouse, charts=_split(args.charts) or DEFAULT_CHARTS, lang=args.lang,
            title=args.title, date=dt.date.today(), regions=_split(args.regions), years=_split(args.years),
            themes=_split(args.themes), doc_types=_split(args.doc_types), measure=args.measure, mode=args.mode,
            focus=args.focus, compare_with=args.compare_with, briefs=not args.no_briefs)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for key in skipped:
        print(f"warning: chart {key} has no data for these filters and was left out", file=sys.stderr)
    from pptx import Presentation
    total = len(Presentation(args.out).slides)
    print(f"wrote {args.out}: {total} slides ({n} chart{'s' if n != 1 else ''}) in {time.perf_counter() - start:.2f} s")
    return 0

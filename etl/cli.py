"""Command line: `python -m etl build | status`."""
import argparse
import sys
from pathlib import Path

from etl.config import MANIFEST, SEEDS_DIR, WAREHOUSE


def _progress(i, total, name, result, error):
    if error:
        print(f"[{i}/{total}] {name}: FAILED: {error}", file=sys.stderr, flush=True)
    else:
        print(f"[{i}/{total}] {name}: {len(result.sentences)} sentences, {len(result.facts)} facts", flush=True)


def warehouse_is_stale(warehouse, seeds_dir, manifest):
    """True when the warehouse is missing or was built from other inputs."""
    import duckdb

    from etl.pipeline import inputs_hash
    if not Path(warehouse).exists():
        return True
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute("select value from build_info where key = 'inputs_hash'").fetchone()
    except duckdb.Error:
        return True
    return row is None or row[0] != inputs_hash(seeds_dir, manifest)


def cmd_build(args):
    from etl.pipeline import build
    if args.if_stale and not warehouse_is_stale(args.warehouse, args.seeds, args.manifest):
        print(f"{args.warehouse} is up to date")
        return 0
    report = build(args.seeds, args.manifest, args.warehouse, workers=args.workers,
                   progress=None if args.quiet else _progress)
    c = report.counts
    print(f"warehouse: {args.warehouse}")
    print(f"documents {c['documents']}, sentences {c['sentences']}, themed sentences {c['sentence_themes']}, "
          f"facts {c['facts']}, terms {c['terms']}")
    _print_theme_summary(args.warehouse)
    for name, reason in report.failed:
        print(f"could not load {name}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def _print_theme_summary(warehouse):
    import duckdb
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select t.theme, t.name_zh, count(st.theme) from themes t left join sentence_themes st "
            "on st.theme = t.theme group by t.theme, t.name_zh, t.sort_order order by t.sort_order").fetchall()
    print("sentences per theme: " + ", ".join(f"{zh}({t}) {n}" for t, zh, n in rows))


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m etl", description="Jiedao Lens ETL")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build warehouse.duckdb from seeds/ and its manifest")
    b.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    b.add_argument("--manifest", type=Path, default=None, help="default: SEEDS/manifest.csv")
    b.add_argument("--warehouse", type=Path, default=WAREHOUSE)
    b.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    b.add_argument("--if-stale", action="store_true", help="only build when missing or out of date")
    b.add_argument("--quiet", action="store_true")
    b.set_defaults(func=cmd_build)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if getattr(args, "manifest", "unset") is None:
        args.manifest = args.seeds / MANIFEST.name
    return args.func(args)

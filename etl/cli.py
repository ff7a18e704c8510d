"""Command line: `python -m etl build | add FILE... | remove DOC_ID`."""
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
    from etl.inputs import inputs_hash
    from etl.load import stored_inputs_hash
    stored = stored_inputs_hash(warehouse)
    return stored is None or stored != inputs_hash(seeds_dir, manifest)


def _recover(paths):
    """Complete or roll back an add/remove a kill interrupted, and say so."""
    from etl.ingest import recover
    outcome = recover(paths)
    if outcome:
        print(f"an interrupted add or remove was {outcome}", file=sys.stderr)


def cmd_build(args):
    from etl import settings
    from etl.ingest import Paths
    from etl.inputs import load_digests, save_digests
    from etl.load import remove_stale_temp_files
    from etl.pipeline import build
    from etl.workers import WorkerDied
    load_digests(settings.cache_dir())
    _recover(Paths(args.seeds, args.manifest, args.warehouse, Paths.default().regions_file))
    remove_stale_temp_files(args.warehouse)   # even when up to date: a killed build's temp file goes
    if args.if_stale and not warehouse_is_stale(args.warehouse, args.seeds, args.manifest):
        print(f"{args.warehouse} is up to date")
        return 0
    try:
        report = build(args.seeds, args.manifest, args.warehouse, workers=args.workers,
                       progress=None if args.quiet else _progress)
    except KeyboardInterrupt:
        print(f"build interrupted: {args.warehouse} was not changed", file=sys.stderr)
        return 130
    except WorkerDied as exc:
        print(f"build failed: {exc}; {args.warehouse} was not changed", file=sys.stderr)
        return 1
    save_digests(settings.cache_dir())   # the seeds' digests the build took, for the next add or remove
    c = report.counts
    print(f"warehouse: {args.warehouse}")
    print(f"documents {c['documents']}, sentences {c['sentences']}, themed sentences {c['sentence_themes']}, "
          f"facts {c['facts']}, terms {c['terms']}")
    _print_theme_summary(args.warehouse)
    for name, existing in report.duplicates:
        print(f"skipped {name}: same text as {existing} (a duplicate, not loaded twice)")
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


def _paths(args):
    from etl.ingest import Paths
    paths = Paths.default()
    seeds = args.seeds or paths.seeds_dir
    return Paths(seeds, seeds / "manifest.csv", args.warehouse or paths.warehouse,
                 args.regions or paths.regions_file, paths.cache_dir)


def _print_preview(candidate):
    inf, meta = candidate.preview.inference, candidate.meta
    print(f"{candidate.preview.name} -> seeds/{meta.source_file}")
    for label, value, guess in (("region", meta.region_id, inf.region), ("year", meta.year, inf.year),
                                ("type", meta.doc_type, inf.doc_type), ("title", meta.title, inf.title)):
        source = f"inferred: {guess.evidence}" if value == guess.value else "given"
        print(f"  {label:<7}{value}  ({source})")
    if meta.published:
        print(f"  {'date':<7}{meta.published}  (from the page)")


def cmd_add(args):
    from etl.errors import DocumentError
    from etl.ingest import Overrides, commit, prepare
    paths = _paths(args)
    new_region = None
    if args.new_region:
        if args.region and args.region != args.new_region:
            print(f"error: --region {args.region} contradicts --new-region {args.new_region}", file=sys.stderr)
            return 2
        new_region = {"region_id": args.new_region, "name_zh": args.name_zh, "name_en": args.name_en,
                      "province": args.province, "city": args.city, "district": args.district,
                      "subdistrict": args.subdistrict}
    overrides = Overrides(args.region, args.year, args.type, args.title)
    try:
        files = []
        for f in args.files:
            if not Path(f).is_file():
                raise DocumentError(f, "file not found")
            files.append((Path(f).name, Path(f).read_bytes()))
        candidates, duplicates = prepare(files, paths, overrides, new_region)
        for name, existing in duplicates:
            print(f"{name}: duplicate of already loaded {existing} (same text); not loaded again")
        for c in candidates:
            _print_preview(c)
        if args.dry_run or not candidates:
            print("dry run: nothing written" if args.dry_run else "nothing to add")
            return 0
        report = commit(candidates, paths, new_region, args.workers)
    except DocumentError as exc:
        print(f"error: {exc.source}: {exc.reason}; nothing was changed", file=sys.stderr)
        return 1
    c = report.counts
    print(f"added {len(report.added)} document(s); warehouse {paths.warehouse} rebuilt in {report.seconds:.1f}s "
          f"({report.extracted} extracted, {report.cached} from cache): documents {c['documents']}, "
          f"sentences {c['sentences']}, facts {c['facts']}")
    for name, reason in report.failed:
        print(f"could not load {name}: {reason}", file=sys.stderr)
    return 0


def cmd_remove(args):
    from etl.errors import DocumentError
    from etl.ingest import remove
    paths = _paths(args)
    try:
        name, report = remove(args.doc_id, paths, args.workers)
    except DocumentError as exc:
        print(f"error: {exc.source}: {exc.reason}; nothing was changed", file=sys.stderr)
        return 1
    print(f"removed {name}; warehouse {paths.warehouse} rebuilt: documents {report.counts['documents']}")
    return 0


def _path_options(p):
    p.add_argument("--seeds", type=Path, default=None, help="default: seeds/ (or JIEDAO_SEEDS)")
    p.add_argument("--warehouse", type=Path, default=None, help="default: warehouse.duckdb (or JIEDAO_WAREHOUSE)")
    p.add_argument("--regions", type=Path, default=None, help="default: config/regions.yaml (or JIEDAO_REGIONS)")
    p.add_argument("--workers", type=int, default=None)


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
    a = sub.add_parser("add", help="add documents (txt, docx, pdf, html) and rebuild; flags override inference")
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--region", help="region id from config/regions.yaml")
    a.add_argument("--year", type=int)
    a.add_argument("--type", help="plan, priorities, summary, report or article")
    a.add_argument("--title")
    a.add_argument("--new-region", metavar="ID", help="configure a new region and add the files to it")
    a.add_argument("--name-zh", help="Chinese name of the new region")
    a.add_argument("--name-en", help="English name of the new region")
    for level in ("province", "city", "district", "subdistrict"):
        a.add_argument(f"--{level}", default="", help=f"{level} of the new region")
    a.add_argument("--dry-run", action="store_true", help="show what would be added, write nothing")
    _path_options(a)
    a.set_defaults(func=cmd_add)
    r = sub.add_parser("remove", help="remove a document by its doc_id and rebuild")
    r.add_argument("doc_id")
    _path_options(r)
    r.set_defaults(func=cmd_remove)
    return parser


def _files_not_options(parser, argv):
    """`add -plan.txt`: an existing file whose name starts with '-' is a file, not an unknown option.

    It is passed on as ./-plan.txt (argparse reads any '-' word as an
    option); a word after an option that takes a value, or after '--', is
    left alone.
    """
    add = parser._subparsers._group_actions[0].choices["add"]
    takes_value = {o for a in add._actions if a.nargs != 0 for o in a.option_strings}
    known = {o for a in add._actions for o in a.option_strings}
    out, in_add, previous = [], False, None
    for word in argv:
        if word == "--":
            in_add = False
        elif in_add and word.startswith("-") and word.split("=", 1)[0] not in known \
                and previous not in takes_value and Path(word).is_file():
            word = f"./{word}"
        in_add = in_add or word == "add"
        out.append(word)
        previous = word
    return out


def main(argv=None):
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(_files_not_options(parser, argv))
    if args.command == "build" and args.manifest is None:
        args.manifest = args.seeds / MANIFEST.name
    return args.func(args)

"""Metadata inference (etl/infer.py) against the truth of real documents beside the project.

    .venv/bin/python benchmarks/metadata.py [--verbose]

Two development sets from ../shared/external: `raw/*.txt` with `index.tsv`
(place, year, type and title of 23 real local pages) and `texts/*.txt` with
their manifest and regions.yaml. The raw pages' places are not configured
anywhere, so a regions config is written in scratch space with one region per
page (sibling sub-districts of one district among them), which is what a
staff member adding those pages would have configured. Prints the accuracy
per field (type, year, title, place) and, with --verbose, every miss.
`refusal` is the place once more with the document's own region left out of
the configuration: the right answer is then no confident region (a sibling
sub-district or a neighbour is a wrong one). Figures only; not a pass/fail test.
"""
import argparse
import csv
import re
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import load_regions  # noqa: E402
from etl.infer import infer_metadata  # noqa: E402
from etl.manifest import read_manifest  # noqa: E402
from etl.read import read_document  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "external"
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# A title counts when one contains the other and the shorter is most of the longer (site prefixes, (全文)).
TITLE_OVERLAP = 0.6
FIELDS = ("type", "year", "title", "place", "refusal")


def _full(name, suffix):
    return name if not name or name.endswith(suffix) else name + suffix


def raw_cases(workdir):
    """(path, truth) for the raw pages, and the regions file written for them."""
    rows = list(csv.DictReader(open(EXTERNAL / "raw" / "index.tsv", encoding="utf-8"), delimiter="\t"))
    regions = []
    for row in rows:
        province = _full(row["province"], "市" if row["province"] in MUNICIPALITIES else "省")
        regions.append({"region_id": row["name"], "name_zh": row["subdistrict"] or row["district"],
                        "name_en": row["name"], "province": province, "city": _full(row["city"], "市"),
                        "district": row["district"], "subdistrict": row["subdistrict"] or None})
    regions_file = Path(workdir) / "raw-regions.yaml"
    regions_file.write_text(yaml.safe_dump({"regions": regions}, allow_unicode=True), encoding="utf-8")
    cases = [(EXTERNAL / "raw" / f"{row['name']}.txt",
              {"type": row["type"], "year": int(row["year"]), "title": row["title"], "place": row["name"]})
             for row in rows]
    return cases, regions_file


def text_cases():
    manifest = read_manifest(EXTERNAL / "texts" / "manifest.csv")
    cases = [(EXTERNAL / "texts" / name, {"type": m.doc_type, "year": m.year, "title": m.title, "place": m.region_id})
             for name, m in manifest.items()]
    return cases, EXTERNAL / "regions.yaml"


def _norm(title):
    return re.sub(r"[\s\u3000()（）\[\]【】《》“”\"'_|·—-]", "", title or "")


def title_ok(predicted, truth):
    """None when the truth names no title (the page shows none), else whether the guess is that title."""
    if truth.startswith("("):
        return None
    a, b = _norm(predicted), _norm(truth)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= TITLE_OVERLAP * len(long_)


def run(cases, regions_file, verbose):
    regions = load_regions(regions_file)
    hits = {f: [0, 0] for f in FIELDS}
    for path, truth in cases:
        inf = infer_metadata(read_document(path), regions)
        others = [r for r in regions if r["region_id"] != truth["place"]]
        refused = infer_metadata(read_document(path), others).region
        got = {"type": inf.doc_type.value, "year": inf.year.value, "title": inf.title.value,
               "place": inf.region.value if inf.region.confident else None,
               "refusal": refused.value if refused.confident else None}
        for f in FIELDS:
            want = None if f == "refusal" else truth[f]
            ok = title_ok(got[f], want) if f == "title" else got[f] == want
            if ok is None:
                continue
            hits[f][0] += ok
            hits[f][1] += 1
            if verbose and not ok:
                evidence = {"type": inf.doc_type, "year": inf.year, "title": inf.title, "place": inf.region,
                            "refusal": refused}[f].evidence
                print(f"  {path.name:40} {f:7} got {got[f]!s:28} want {want!s:28} ({evidence})")
    return hits


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", action="store_true", help="print every miss with its evidence")
    args = ap.parse_args(argv)
    if not EXTERNAL.is_dir():
        print(f"{EXTERNAL} is absent: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="jiedao-meta-") as tmp:
        raw, raw_regions = raw_cases(tmp)
        sets = {"raw (index.tsv)": run(raw, raw_regions, args.verbose),
                "texts (manifest)": run(*text_cases(), args.verbose)}
    print(f"{'set':18}" + "".join(f"{f:>12}" for f in FIELDS))
    for name, hits in sets.items():
        print(f"{name:18}" + "".join(f"{h}/{n:<3}{h / n:5.2f}".rjust(12) if n else f"{'-':>12}"
                                       for h, n in (hits[f] for f in FIELDS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

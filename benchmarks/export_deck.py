"""Time to build a six-chart deck (target: under 3 s), split into chart data and PowerPoint writing.

    .venv/bin/python benchmarks/export_deck.py [--warehouse PATH] [--repeat 5]

Prints figures; it is not a pass/fail test. The first run includes imports and
a cold DuckDB cache, which is what a scheduled `python -m export deck` pays.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_S = 3.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", help="default: $JIEDAO_WAREHOUSE or ./warehouse.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from app import deck
    from app.labels import Labels
    from export import cli
    imports = time.perf_counter() - t0

    warehouse = Path(args.warehouse) if args.warehouse else cli.default_warehouse()
    charts = list(cli.DEFAULT_CHARTS)
    totals, data_times, pptx_times = [], [], []
    out = Path(tempfile.mkdtemp()) / "bench.pptx"
    for _ in range(args.repeat):
        start = time.perf_counter()
        con = cli.open_warehouse(warehouse)
        filters = cli.make_filters(con)
        specs, skipped = cli.build_specs(con, filters, charts)
        lines = deck.describe_filters(filters, Labels(con, "zh"), "zh")
        con.close()
        mid = time.perf_counter()
        out.write_bytes(deck.deck_bytes(specs, filter_lines=lines))
        end = time.perf_counter()
        data_times.append(mid - start)
        pptx_times.append(end - mid)
        totals.append(end - start)

    print(f"warehouse        {warehouse} ({warehouse.stat().st_size / 1e6:.1f} MB)")
    print(f"charts           {len(specs)} ({', '.join(s.key for s in specs)}); skipped: {skipped or 'none'}")
    print(f"imports          {imports:.2f} s (once per process)")
    print(f"chart data       median {statistics.median(data_times):.3f} s")
    print(f"pptx writing     median {statistics.median(pptx_times):.3f} s")
    print(f"deck total       first {totals[0]:.3f} s, median {statistics.median(totals):.3f} s, "
          f"max {max(totals):.3f} s over {len(totals)} runs")
    print(f"first run + imports {totals[0] + imports:.2f} s; target < {TARGET_S:.0f} s: "
          f"{'met' if totals[0] + imports < TARGET_S else 'MISSED'}")
    print(f"deck size        {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()

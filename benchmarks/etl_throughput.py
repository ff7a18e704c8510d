"""ETL throughput against bare jieba, and the cold build time of the seeds.

    .venv/bin/python benchmarks/etl_throughput.py [--runs 5]

Builds a corpus of about 2 MB from the seed documents (copies with their
own manifest rows), then, in fresh processes, alternating so that a busy
moment of the machine hits both alike:
- the whole pipeline (`etl.pipeline.build`: read to load, both cores,
  without the per-document extraction cache), timed from the call, after
  the imports,
- bare `jieba.lcut` on the same text on one core, timed after `import
  jieba`: first pass with its dictionary load (the pipeline's figure has
  its own load in it too), second pass with the dictionary already loaded,
- the cold build of the five seeds (`python -m etl build`, interpreter
  start-up and imports included, no cache).
Prints the median of each figure with its range, the throughputs in MB/s,
the ratios, and how many cores the pipeline kept busy (its processes' CPU
time over its wall-clock time; the workers and their sandboxes included).
Goals: pipeline at least 1.41x bare jieba (the figure before the theme model
came in; 1.0x at the very least), both cores busy; seeds cold build under
3 s. Prints figures; it is not a pass/fail test.
"""
import argparse
import csv
import os
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

TARGET_BYTES = 2 * 1024 * 1024
RATIO_GOAL = 1.41       # pipeline/jieba throughput before the theme model: throughput must not fall below it
RATIO_FLOOR = 1.0       # never slower than bare jieba (issue 10)
PIPELINE_SCRIPT = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from etl.pipeline import build
def cpu():
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
corpus = Path(sys.argv[2])
start, cpu_start = time.perf_counter(), cpu()
report = build(corpus, corpus / "manifest.csv", Path(sys.argv[3]), use_cache=False)
print(time.perf_counter() - start, cpu() - cpu_start)
assert not report.failed, report.failed
"""
JIEBA_SCRIPT = """
import sys, time, jieba
jieba.setLogLevel(60)
texts = open(sys.argv[1], encoding="utf-8").read().split("\\f")
start = time.perf_counter()
for text in texts:
    jieba.lcut(text)
cold = time.perf_counter() - start
start = time.perf_counter()
for text in texts:
    jieba.lcut(text)
print(cold, time.perf_counter() - start)
"""


def make_corpus(folder):
    """Copy the seeds until about 2 MB, each copy a document of its own."""
    metas = read_manifest(ROOT / "seeds" / "manifest.csv")
    rows, size, i = [], 0, 0
    while size < TARGET_BYTES:
        for name, meta in metas.items():
            data = (ROOT / "seeds" / name).read_bytes()
            copy = f"{i:04d}_{name}"
            (folder / copy).write_bytes(data)
            row = {k: getattr(meta, k) for k in ("region_id", "province", "city", "district", "subdistrict",
                                                  "year", "year_inferred", "doc_type", "title", "published", "script")}
            rows.append(dict(row, source_file=copy))
            size += len(data)
        i += 1
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["source_file", *rows[0].keys() - {"source_file"}])
        writer.writeheader()
        writer.writerows(rows)
    return size, len(rows)


def _python(*args, **kwargs):
    return subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True, **kwargs).stdout.split()


def _figure(values):
    return f"{statistics.median(values):.2f} s (range {min(values):.2f}-{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh-process runs of each measurement (default 5)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jiedao-bench-"))
    try:
        corpus = tmp / "seeds"
        corpus.mkdir()
        size, n_docs = make_corpus(corpus)
        mb = size / 1e6
        from etl.read import read_document
        texts_file = tmp / "texts.txt"
        texts_file.write_text("\f".join(read_document(p).text for p in sorted(corpus.glob("*.txt"))), encoding="utf-8")

        pipeline, pipeline_cpu, jieba_cold, jieba_warm, seeds_cold = [], [], [], [], []
        for run in range(args.runs):
            wall, cpu = _python("-c", PIPELINE_SCRIPT, str(ROOT), str(corpus), str(tmp / f"corpus{run}.duckdb"))
            pipeline.append(float(wall))
            pipeline_cpu.append(float(cpu))
            cold, warm = _python("-c", JIEBA_SCRIPT, str(texts_file))
            jieba_cold.append(float(cold))
            jieba_warm.append(float(warm))
            start = time.perf_counter()
            _python("-m", "etl", "build", "--quiet", "--warehouse", str(tmp / f"seeds{run}.duckdb"), cwd=ROOT,
                    env=dict(os.environ, JIEDAO_CACHE=str(tmp / f"empty-cache{run}")))
            seeds_cold.append(time.perf_counter() - start)

        p, jc, jw = (statistics.median(v) for v in (pipeline, jieba_cold, jieba_warm))
        print(f"corpus: {n_docs} documents, {mb:.2f} MB; median of {args.runs} runs in fresh processes")
        cores = os.cpu_count()
        busy = statistics.median(c / w for c, w in zip(pipeline_cpu, pipeline))
        print(f"pipeline (etl.pipeline.build, {cores} cores): {_figure(pipeline)}, {mb / p:.2f} MB/s")
        print(f"pipeline CPU time: {_figure(pipeline_cpu)}; cores busy {busy:.2f} of {cores} (goal: all {cores})")
        print(f"bare jieba.lcut (1 core, including its dictionary load, as the pipeline's figure does): "
              f"{_figure(jieba_cold)}, {mb / jc:.2f} MB/s")
        print(f"bare jieba.lcut (1 core, dictionary already loaded): {_figure(jieba_warm)}, {mb / jw:.2f} MB/s")
        print(f"ratio pipeline/jieba throughput: {jc / p:.2f} (goal >= {RATIO_GOAL}, at least {RATIO_FLOOR}); "
              f"against warm jieba {jw / p:.2f}")
        print(f"seeds cold build (fresh process, imports included): {_figure(seeds_cold)} (goal < 3 s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

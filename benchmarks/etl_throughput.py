"""ETL throughput against bare jieba, and the cold build time of the seeds.

Builds a corpus of about 2 MB from the seed documents (copies with their
own manifest rows), then prints:
- the whole pipeline's throughput in MB/s (`etl.pipeline.build`: read to load,
  both cores, process pool; the interpreter's start-up is in the cold figure),
- bare `jieba.lcut` on the same text on one core, and the ratio,
- the cold build time of the five seeds in a fresh process.
Targets: pipeline at least as fast as bare jieba; seeds cold build under 3 s.
Both figures are without the per-document extraction cache (a cold build).
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.manifest import read_manifest  # noqa: E402

TARGET_BYTES = 2 * 1024 * 1024
# Bare jieba in a fresh process: first pass includes jieba's dictionary load
# (as the pipeline's figure includes its own), second pass is warm.
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


def main():
    tmp = Path(tempfile.mkdtemp(prefix="jiedao-bench-"))
    try:
        corpus = tmp / "seeds"
        corpus.mkdir()
        size, n_docs = make_corpus(corpus)
        mb = size / 1e6
        env = dict(os.environ, JIEDAO_CACHE=str(tmp / "empty-cache"))

        from etl.pipeline import build
        start = time.perf_counter()
        report = build(corpus, corpus / "manifest.csv", tmp / "corpus.duckdb", use_cache=False)
        pipeline_s = time.perf_counter() - start
        assert not report.failed, report.failed

        texts_file = tmp / "texts.txt"
        from etl.read import read_document
        texts_file.write_text("\f".join(read_document(p).text for p in sorted(corpus.glob("*.txt"))), encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", JIEBA_SCRIPT, str(texts_file)], check=True,
                             capture_output=True, text=True).stdout.split()
        jieba_cold_s, jieba_warm_s = float(out[0]), float(out[1])

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "etl", "build", "--quiet", "--warehouse", str(tmp / "seeds.duckdb")],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        cold_s = time.perf_counter() - start

        print(f"corpus: {n_docs} documents, {mb:.2f} MB")
        print(f"pipeline (etl.pipeline.build, {os.cpu_count()} cores): {pipeline_s:.2f} s, {mb / pipeline_s:.2f} MB/s")
        print(f"bare jieba.lcut (1 core, including its dictionary load, as the pipeline's figure does): "
              f"{jieba_cold_s:.2f} s, {mb / jieba_cold_s:.2f} MB/s")
        print(f"bare jieba.lcut (1 core, dictionary already loaded): {jieba_warm_s:.2f} s, {mb / jieba_warm_s:.2f} MB/s")
        print(f"ratio pipeline/jieba throughput: {jieba_cold_s / pipeline_s:.2f} (target >= 1.0); "
              f"against warm jieba {jieba_warm_s / pipeline_s:.2f}")
        print(f"seeds cold build (fresh process): {cold_s:.2f} s (target < 3 s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

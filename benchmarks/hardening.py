"""Issue 11's bad cases, each read (and, for text, extracted) in a fresh process: time, peak memory, outcome.

    .venv/bin/python benchmarks/hardening.py [--cap SECONDS] [--kills N]

Run from the project root (any checkout: it imports `etl` from the current
directory, so it measures old and new code alike). Each case runs in its own
process, stopped at --cap seconds; peak memory is the child's max RSS.
--kills N also runs N kill -9s during `etl build` and N during `etl add` on a
scratch copy of seeds/ and reports the debris and consistency after each.
"""
import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path.cwd()
WHITESPACE_BYTES = 1024 ** 3          # the 1 GiB-of-whitespace docx
DEEP_LEVELS = 20_000                  # the nesting depth
BIG_TEXT_BYTES = 19 * 1024 * 1024     # the valid 19 MB text
NUL_OFFSET = 9000                     # past the old 8 KiB NUL check

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from etl.errors import DocumentError
from etl.manifest import DocumentMeta
from etl.pipeline import extract_document
from etl.read import read_document
path = sys.argv[1]
start = time.perf_counter()
try:
    doc = read_document(path)
    if path.endswith(".txt"):
        extract_document(path, DocumentMeta(source_file="x.txt", region_id="binhai", year=2023, doc_type="plan"))
    outcome = f"accepted ({{len(doc.text)}} characters)"
except DocumentError as exc:
    outcome = "refused: " + exc.reason
except BaseException as exc:
    outcome = f"crashed: {{type(exc).__name__}}"
print(json.dumps({{"seconds": time.perf_counter() - start, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _docx_with(padding_bytes):
    """A real Word file (tests/doc_fixtures) whose body starts with this much whitespace, streamed in."""
    sys.path.insert(0, str(ROOT / "tests"))
    from doc_fixtures import make_docx
    with tempfile.TemporaryDirectory() as tmp:
        source = make_docx(Path(tmp) / "a.docx")
        buf = io.BytesIO()
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename != "word/document.xml":
                    out.writestr(info.filename, data)
                    continue
                head, tail = data.split(b"<w:body>", 1)
                with out.open("word/document.xml", "w", force_zip64=True) as fh:
                    fh.write(head + b"<w:body>")
                    chunk = b" " * (1 << 20)
                    for _ in range(padding_bytes // len(chunk)):
                        fh.write(chunk)
                    fh.write(tail)
    return buf.getvalue()


def _with_nul(data):
    at = data.index(b"\n", NUL_OFFSET)   # at a line end: the rest stays valid UTF-8
    return data[:at] + b"\x00" + data[at:]


def _cases(tmp, only=""):
    seed = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    from opencc import OpenCC
    trad = OpenCC("s2t").convert(seed)
    cases = {
        "docx: 1 GiB of whitespace": ("blank.docx", _docx_with(WHITESPACE_BYTES) if "docx" in only or not only
                                      else b""),
        f"html: {DEEP_LEVELS} nested levels": ("deep.html", ("<html><body>" + "<div>" * DEEP_LEVELS + "街道工作" * 20
                                                            + "</div>" * DEEP_LEVELS + "</body></html>").encode()),
        "text: valid 19 MB": ("big.txt", (seed * (BIG_TEXT_BYTES // len(seed.encode()) + 1)).encode()[:BIG_TEXT_BYTES]),
        "text: half GB18030, half Big5": ("mixed.txt", seed[:len(seed) // 2].encode("gb18030", "ignore")
                                          + trad[len(seed) // 2:].encode("big5", "ignore")),
        "html: declares gb2312, is UTF-8": ("false.html", ('<html><head><meta charset="gb2312"></head><body><div>'
                                                          + seed.replace("\n", "<br>") + "</div></body></html>").encode()),
        f"text: NUL after byte {NUL_OFFSET}": ("nul.txt", _with_nul(seed.encode())),
    }
    out = {}
    for label, (name, data) in cases.items():
        if only not in label:
            continue
        path = Path(tmp) / name
        path.write_bytes(data)
        out[label] = (path, len(data))
    return out


def _high_water_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_case(path, cap):
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=cap)
        result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"outcome": f"died: {err[-200:]}"}
        result["stderr_lines"] = len([ln for ln in err.splitlines() if ln.strip()])
    except subprocess.TimeoutExpired:
        peak = _high_water_mb(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        result = {"outcome": f"still running at the {cap} s cap (killed)", "peak_mb": peak}
    result["wall"] = time.perf_counter() - start
    return result


def _snapshot(directory):
    return {p.name: p.read_bytes() for p in sorted(Path(directory).iterdir()) if p.is_file()}


def _debris(directory):
    return sorted(p.name for p in Path(directory).iterdir()
                  if ".tmp" in p.name or p.name.endswith((".journal", ".removed", ".restore")))


KILL_AFTER = (0.0, 0.1, 0.3, 0.6, 1.0)   # seconds after the step under test has visibly started
TRIGGER_SECONDS = 60                      # give up waiting for the step to start


def _wait_for(proc, appeared):
    """Poll until `appeared()` or the process ends; True when the step started."""
    deadline = time.monotonic() + TRIGGER_SECONDS
    while time.monotonic() < deadline and proc.poll() is None:
        if appeared():
            return True
        time.sleep(0.01)
    return False


def _alive_in_session(sid):
    """Processes of the killed command's session still running (zombies are dead, waiting for init to reap)."""
    ps = subprocess.run(["ps", "-o", "stat=", "-s", str(sid)], capture_output=True, text=True).stdout.split()
    return [stat for stat in ps if not stat.startswith("Z")]


def kill_runs(n):
    """n kill -9s during build and during add on scratch copies; report debris and consistency after the next run.

    A build is killed once its temp warehouse exists (workers running), an
    add once its journal exists (the commit under way), plus a short delay.
    """
    tmp = Path(tempfile.mkdtemp(prefix="jiedao-kill-"))
    seeds, warehouse, pristine = tmp / "seeds", tmp / "w.duckdb", tmp / "pristine"
    shutil.copytree(ROOT / "seeds", seeds)
    env = dict(os.environ, JIEDAO_SEEDS=str(seeds), JIEDAO_WAREHOUSE=str(warehouse),
               JIEDAO_CACHE=str(tmp / "cache"), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "etl", "build", "--quiet"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    shutil.copytree(seeds, pristine / "seeds")
    shutil.copy2(warehouse, pristine / "w.duckdb")
    doc = tmp / "new.txt"
    doc.write_text("天津市滨海新区大港街道2024年工作计划\n一、重点任务\n全年新增就业岗位不少于3000个，完成老旧小区改造12个。\n",
                   encoding="utf-8")
    rows = []
    for i in range(2 * n):
        command = ["build", "--quiet"] if i < n else ["add", str(doc), "--year", "2024"]
        delay = KILL_AFTER[i % len(KILL_AFTER)]
        shutil.rmtree(seeds)   # every kill starts from the same state
        shutil.copytree(pristine / "seeds", seeds)
        shutil.copy2(pristine / "w.duckdb", warehouse)
        run_env = dict(env, JIEDAO_CACHE=str(tmp / f"cold-{i}")) if command[0] == "build" else env  # workers extract
        proc = subprocess.Popen([sys.executable, "-m", "etl", *command], cwd=ROOT, env=run_env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if command[0] == "build":
            started = _wait_for(proc, lambda: any(tmp.glob("w.duckdb.tmp-*")))
        else:
            started = _wait_for(proc, lambda: (tmp / "w.duckdb.journal").exists())
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
        orphans = _alive_in_session(proc.pid)
        after = subprocess.run([sys.executable, "-m", "etl", "build", "--if-stale", "--quiet"], cwd=ROOT, env=env,
                               capture_output=True, text=True)
        stale = subprocess.run([sys.executable, "-c", "import sys; from etl.cli import warehouse_is_stale; "
                                f"sys.exit(warehouse_is_stale({str(warehouse)!r}, {str(seeds)!r}, "
                                f"{str(seeds / 'manifest.csv')!r}))"], cwd=ROOT, env=env).returncode
        names = set(_snapshot(seeds)) - {"manifest.csv"}
        listed = {ln.split(",")[0] for ln in (seeds / "manifest.csv").read_text().splitlines()[1:]}
        rows.append({"kill": command[0], "step_started": started, "after_s": delay, "orphans_0.5s_later": len(orphans),
                     "debris": _debris(tmp) + _debris(seeds), "next_build_rc": after.returncode,
                     "consistent": names == listed and stale == 0})
    shutil.rmtree(tmp)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60)
    parser.add_argument("--kills", type=int, default=0)
    parser.add_argument("--only", default="", help="run the cases whose label contains this")
    parser.add_argument("--no-cases", action="store_true", help="only the kill runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jiedao-bench-") as tmp:
        for label, (path, size) in ({} if args.no_cases else _cases(tmp, args.only)).items():
            r = run_case(path, args.cap)
            peak = f"{r['peak_mb']:.0f} MB" if r.get("peak_mb") else "n/a"
            inner = f"{r['seconds']:.2f} s" if 'seconds' in r else '-'
            print(f"{label:<36} {size / 1e6:8.1f} MB file  {r['wall']:6.1f} s (in reader {inner})  peak {peak:>8}  "
                  f"stderr lines {r.get('stderr_lines', '-')}  {r['outcome'][:110]}", flush=True)
    if args.kills:
        for row in kill_runs(args.kills):
            print(row, flush=True)


if __name__ == "__main__":
    main()

"""Extraction on every core: content workers and term workers, fed by the parent.

Term counting needs jieba's dictionary, whose load (about 0.45 s) is the
largest serial cost of a build; the other stages do not. So the content
workers (read → facts) are forked first and start at once, the parent loads
jieba meanwhile, then forks the term workers, which inherit the loaded
dictionary. The parent routes each document's Simplified text from a
content worker to a term worker and yields the merged results in job order.

Workers send through a `multiprocessing.Queue`, whose feeder thread buffers,
so content workers never wait for the busy parent. Both forks happen before
the parent starts a thread of its own (its first `put` starts one, DuckDB
starts more), so a single-threaded caller such as the command line forks
safely.

Every worker dies with its parent (a killed build leaves no orphans), and
each document's content extraction runs in a child of the worker with a
wall-clock and memory budget (`run_limited`), so one hostile file is
refused with its limit named instead of stalling or exhausting the build.
"""
import ctypes
import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import sys
import time

from etl.errors import DocumentError

_CTX = multiprocessing.get_context("fork")
POLL_SECONDS = 0.5
CONTENT_NICENESS = 10
EXTRACT_SECONDS = 60                    # a 1M-character document (read.MAX_CHARS) extracts in ~10 s on a busy core
EXTRACT_MEMORY = 1536 * 1024 * 1024     # address space a document may add: 1M characters peak near 400 MB
PR_SET_PDEATHSIG = 1                    # linux/prctl.h
PIPE_CHUNK = 1 << 20                    # bytes read from a sandboxed child at a time


def die_with_parent():
    """Ask Linux to SIGKILL this process when its parent dies; elsewhere the loops check the parent pid."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _address_space():
    """This process's virtual size in bytes (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(write_fd, fn, args, memory, parent):
    """In the forked child: limit memory, run, send ("ok", value) or ("error", reason); never return."""
    code = 0
    try:
        die_with_parent()
        if os.getppid() != parent:   # the parent died before the request took effect
            os._exit(1)
        limit = _address_space() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            outcome = ("ok", fn(*args))
        except DocumentError as exc:
            outcome = ("error", exc.reason)
        except MemoryError:
            outcome = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - an extractor crash on user input is bad input
            outcome = ("error", f"extraction failed: {type(exc).__name__}: {exc}")
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view):]
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not run the parent's code on
        code = 1
    finally:
        os._exit(code)


def run_limited(fn, args, name, seconds=EXTRACT_SECONDS, memory=EXTRACT_MEMORY):
    """fn(*args) in a forked child with a wall-clock and memory budget; DocumentError naming `name` and the limit.

    The child is killed at the deadline; memory beyond the budget fails
    its allocations (RLIMIT_AS). What fn raises as DocumentError comes back
    as a DocumentError for `name`; its return value must pickle.
    """
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, fn, args, memory, parent)
    os.close(write_fd)
    chunks, deadline, timed_out = [], time.monotonic() + seconds, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, POLL_SECONDS))
            if ready:
                chunk = os.read(read_fd, PIPE_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise DocumentError(name, f"extraction took longer than {seconds} s (time limit per document); refused")
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - a child killed mid-write leaves a truncated or empty pickle
        kind, value = "died", os.waitstatus_to_exitcode(status)
        if value > 0:
            raise ExtractionExited(value) from None
    if kind == "ok":
        return value
    if kind == "error":
        raise DocumentError(name, value)
    if kind == "memory":
        raise DocumentError(name, f"extraction needed more than {memory // (1024 * 1024)} MB "
                                  "(memory limit per document); refused")
    raise DocumentError(name, f"extraction ended abnormally (signal {-value}), probably over the memory limit "
                              f"of {memory // (1024 * 1024)} MB; refused")


class WorkerDied(RuntimeError):
    """A worker process ended without sending all its results (killed, crashed)."""


class ExtractionExited(RuntimeError):
    """The sandboxed child called exit without an answer: the code ran off, not the input's limits."""

    def __init__(self, code):
        super().__init__(f"extraction exited with code {code} without a result")
        self.code = code


def _ignore_interrupts():
    """Ctrl-C reaches the whole process group: the parent alone handles it and stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _content_loop(parent, jobs, counter, results, extract_content):
    """Claim the next job index from the shared counter until none is left.

    Content workers run at a lower priority: while the parent loads jieba it
    then gets a whole core (the load is what the term workers wait for), and
    afterwards the term workers come first. Idle cores still go to them.
    """
    _start_worker(parent)
    os.nice(CONTENT_NICENESS)
    while os.getppid() == parent:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= len(jobs):
            return
        try:
            outcome = run_limited(extract_content, (jobs[i],), _job_name(jobs[i]))
        except DocumentError as exc:
            outcome = (None, exc.reason)
        except ExtractionExited as exc:   # the code, not the document: the parent stops the build (WorkerDied)
            os._exit(exc.code)
        results.put(("content", i, *outcome))


def _terms_loop(parent, tasks, results, count_terms):
    _start_worker(parent)
    for i, text in iter(tasks.get, None):
        if os.getppid() != parent:
            return
        results.put(("terms", i, *count_terms(text)))


def _start_worker(parent):
    """Common start of both loops: no Ctrl-C of its own, and death with the parent."""
    _ignore_interrupts()
    die_with_parent()
    if os.getppid() != parent:   # the parent died before the request took effect
        os._exit(1)


def _job_name(job):
    """A job is (path, meta) in the build; anything else is named by its text."""
    first = job[0] if isinstance(job, tuple) and job else job
    return os.path.basename(str(first))


class TwoPoolExtraction:
    """Context manager: `for i, content, terms, error in extraction:` in job order.

    `extract_content(job)` returns ((content, simplified_text), None) or
    (None, reason); `count_terms(text)` returns (terms, None) or (None, reason);
    neither may raise. `warm_up()` runs in the parent between the two forks.
    """

    def __init__(self, jobs, extract_content, count_terms, warm_up, workers):
        self.jobs = list(jobs)
        self.results = _CTX.Queue()
        self.tasks = _CTX.Queue()
        counter = _CTX.Value("q", 0)
        self.processes = [_CTX.Process(target=_content_loop, daemon=True,
                                       args=(os.getpid(), self.jobs, counter, self.results, extract_content))
                          for _ in range(workers)]
        for p in self.processes:
            p.start()
        warm_up()
        term_workers = [_CTX.Process(target=_terms_loop, daemon=True, args=(os.getpid(), self.tasks, self.results, count_terms))
                        for _ in range(workers)]
        for p in term_workers:
            p.start()
        self.processes += term_workers
        self.n_term_workers = workers

    def __iter__(self):
        pending, ready, next_i, contents_seen = {}, {}, 0, 0
        while next_i < len(self.jobs):
            kind, i, payload, error = self._receive()
            if kind == "content":
                contents_seen += 1
                if error:
                    ready[i] = (None, None, error)
                else:
                    content, simplified = payload
                    pending[i] = content
                    self.tasks.put((i, simplified))
                if contents_seen == len(self.jobs):
                    for _ in range(self.n_term_workers):
                        self.tasks.put(None)
            else:
                ready[i] = (pending.pop(i), payload, error)
            while next_i in ready:
                yield (next_i, *ready.pop(next_i))
                next_i += 1

    def _receive(self):
        while True:
            try:
                return self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = [p.exitcode for p in self.processes if p.exitcode not in (None, 0)]
                if dead:
                    raise WorkerDied(f"an extraction worker ended abnormally (exit code {dead[0]})") from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.processes:
            if p.is_alive():
                p.terminate()
            p.join()
        for q in (self.results, self.tasks):
            q.close()
            q.cancel_join_thread()
        return False

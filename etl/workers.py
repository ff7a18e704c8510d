"""Extraction on every core: content workers and term workers, fed by the parent.

Term counting needs jieba's dictionary, whose load (about 0.3 s, read back
from the tokenizer's kept copy) is the largest serial cost of a build; the
other stages do not. So the content
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
each content worker extracts in a long-lived child of its own (`Sandbox`)
with a wall-clock and memory budget per document, so one hostile file is
refused with its limit named instead of stalling or exhausting the build,
without the cost of a fork per document. The serial path
(`OneWorkerExtraction`) runs the same loop in one worker.
"""
import ctypes
import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import struct
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


def _read_exact(fd, n):
    """n bytes from fd, or None at end of file (the other side closed the pipe)."""
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _outcome(fn, job):
    """("ok", value) or ("error", reason) or ("memory", None), pickled: what the child sends for one job."""
    try:
        outcome = ("ok", fn(job))
    except DocumentError as exc:
        outcome = ("error", exc.reason)
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - an extractor crash on user input is bad input
        outcome = ("error", f"extraction failed: {type(exc).__name__}: {exc}")
    try:
        return outcome[0], pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return "memory", pickle.dumps(("memory", None))


def _serve(read_fd, write_fd, fn, jobs, memory, parent, warm_up=None):
    """In the forked child: run fn(jobs[i]) for each index read, each under its own memory limit; never return.

    A negative index -n announces a job sent after the fork: its n pickled
    bytes follow. `warm_up` runs first, before any budget applies.

    Each answer is its length, whether the child retires after it, and the
    pickled outcome. The child retires after a memory failure (its heap may
    be in any state) and once it has grown by half the budget (what earlier
    documents left behind must not eat into the next one's budget).
    """
    code = 0
    try:
        die_with_parent()
        if os.getppid() != parent:   # the parent died before the request took effect
            os._exit(1)
        if warm_up is not None:
            warm_up()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        born = _address_space()
        while True:
            header = _read_exact(read_fd, INDEX.size)
            if header is None:       # the runner closed the pipe: no more jobs
                break
            (i,) = INDEX.unpack(header)
            job = jobs[i] if i >= 0 else pickle.loads(_read_exact(read_fd, -i))
            limit = _address_space() + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
            kind, payload = _outcome(fn, job)
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
            retire = kind == "memory" or _address_space() > born + memory // 2
            _write_all(write_fd, ANSWER.pack(len(payload), retire) + payload)
            if retire:
                break
    except BaseException:  # noqa: BLE001 - whatever happens, the child must not run the parent's code on
        code = 1
    finally:
        os._exit(code)


INDEX = struct.Struct("<q")     # a job index, runner to child
ANSWER = struct.Struct("<q?")   # payload length and "retiring", child to runner


class Sandbox:
    """Context manager: `sandbox.run(i, name)` is fn(jobs[i]) in a long-lived child, within a time and memory budget.

    Forking a child per document cost more than extracting a small one, so
    one child serves document after document (the jobs are inherited by the
    fork; only indices and answers cross the pipe). Each document still has
    its own budget: the child is killed at the deadline, allocations beyond
    the memory budget fail (RLIMIT_AS, set afresh per document), and either
    refuses the document with a DocumentError naming it and the limit; the
    next document gets a fresh child. The child dies with its parent.
    """

    def __init__(self, fn, jobs, seconds=None, memory=None, warm_up=None):
        self.fn, self.jobs, self.warm_up = fn, jobs, warm_up
        self.seconds = EXTRACT_SECONDS if seconds is None else seconds
        self.memory = EXTRACT_MEMORY if memory is None else memory
        self.pid = None
        self.started = 0   # children forked so far: one, unless documents overran or the child retired

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _start(self):
        job_r, job_w = os.pipe()
        answer_r, answer_w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(job_w)
            os.close(answer_r)
            _serve(job_r, answer_w, self.fn, self.jobs, self.memory, parent, self.warm_up)
        os.close(job_r)
        os.close(answer_w)
        self.pid, self.job_fd, self.answer_fd = pid, job_w, answer_r
        self.started += 1

    def close(self, kill=True):
        """End the child (killed: it may be mid-document) and reap it; its exit status."""
        if self.pid is None:
            return 0
        os.close(self.job_fd)
        os.close(self.answer_fd)
        if kill:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status

    def start(self):
        """Fork the child now (its warm-up runs while the caller goes on), not at the first job."""
        if self.pid is None:
            self._start()
        return self

    def run(self, i, name, job=None):
        """fn(jobs[i]), or fn(job) for a job known only after the fork; DocumentError for `name` on its own
        refusal or an overrun, ExtractionExited if fn exited."""
        if self.pid is None:
            self._start()
        message = INDEX.pack(i)
        if job is not None:
            data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
            message = INDEX.pack(-len(data)) + data
        try:
            _write_all(self.job_fd, message)
        except BrokenPipeError:
            pass                      # the child is gone: reading finds the end of file and says why
        deadline = time.monotonic() + self.seconds
        buf, need = bytearray(), None
        while need is None or len(buf) < need:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise DocumentError(name, f"extraction took longer than {self.seconds} s "
                                          "(time limit per document); refused")
            ready, _, _ = select.select([self.answer_fd], [], [], min(left, POLL_SECONDS))
            if not ready:
                continue
            chunk = os.read(self.answer_fd, PIPE_CHUNK)
            if not chunk:
                self._died(name, self.close(kill=False))
            buf += chunk
            if need is None and len(buf) >= ANSWER.size:
                length, retire = ANSWER.unpack_from(buf)
                need = ANSWER.size + length
        if retire:
            self.close(kill=False)
        kind, value = pickle.loads(memoryview(buf)[ANSWER.size:])
        if kind == "ok":
            return value
        if kind == "error":
            raise DocumentError(name, value)
        raise DocumentError(name, f"extraction needed more than {self.memory // (1024 * 1024)} MB "
                                  "(memory limit per document); refused")

    def _died(self, name, status):
        """The child ended without an answer: fn exited (ExtractionExited), or a signal killed it (over memory)."""
        code = os.waitstatus_to_exitcode(status)
        if code > 0:
            raise ExtractionExited(code)
        raise DocumentError(name, f"extraction ended abnormally (signal {-code}), probably over the memory limit "
                                  f"of {self.memory // (1024 * 1024)} MB; refused")


def _call(job):
    fn, args = job
    return fn(*args)


def run_limited(fn, args, name, seconds=None, memory=None):
    """fn(*args) once in a budgeted child (a one-job Sandbox); DocumentError naming `name` and the limit.

    What fn raises as DocumentError comes back as a DocumentError for
    `name`; its return value must pickle.
    """
    with Sandbox(_call, [(fn, args)], seconds, memory) as sandbox:
        return sandbox.run(0, name)


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


def _content_loop(parent, jobs, counter, results, extract_content, niceness=CONTENT_NICENESS):
    """Claim the next job index from the shared counter until none is left; extract each in this worker's Sandbox.

    Content workers run at a lower priority: while the parent loads jieba it
    then gets a whole core (the load is what the term workers wait for), and
    afterwards the term workers come first. Idle cores still go to them.
    """
    _start_worker(parent)
    os.nice(niceness)
    with Sandbox(extract_content, jobs) as sandbox:
        while os.getppid() == parent:
            with counter.get_lock():
                i = counter.value
                counter.value += 1
            if i >= len(jobs):
                return
            try:
                outcome = sandbox.run(i, _job_name(jobs[i]))
            except DocumentError as exc:
                outcome = (None, exc.reason)
            except ExtractionExited as exc:   # the code, not the document: the parent stops the build (WorkerDied)
                _exit_after_sending(results, exc.code)
            results.put(("content", i, *outcome))


def _exit_after_sending(results, code):
    """Exit once the queue's feeder thread has written every result.

    Exiting mid-message would leave the parent reading half a message and
    the queue's write lock held, so the other workers and the parent would
    wait forever instead of seeing this worker's exit code.
    """
    results.close()
    results.join_thread()
    os._exit(code)


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


class _Workers:
    """What both extractions share: results from a queue, a dead worker detected, every worker ended on exit."""

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
        for q in self.queues:
            q.close()
            q.cancel_join_thread()
        return False


class TwoPoolExtraction(_Workers):
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
        self.queues = (self.results, self.tasks)

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


class OneWorkerExtraction(_Workers):
    """Context manager: `for i, result, error in extraction:` in job order, every job in one budgeted worker.

    The serial path (`--workers 1`, or one document to extract) keeps the
    pools' per-document time and memory budget. Its worker is forked here,
    before the caller opens DuckDB (whose threads make a later fork unsafe),
    and the worker forks the sandboxes. `extract(job)` returns (result, None)
    or (None, reason) and may not raise.
    """

    def __init__(self, jobs, extract):
        self.jobs = list(jobs)
        self.results = _CTX.Queue()
        counter = _CTX.Value("q", 0)
        self.processes = [_CTX.Process(target=_content_loop, daemon=True,
                                       args=(os.getpid(), self.jobs, counter, self.results, extract, 0))]
        self.processes[0].start()
        self.queues = (self.results,)

    def __iter__(self):
        ready, next_i = {}, 0
        while next_i < len(self.jobs):
            _, i, payload, error = self._receive()
            ready[i] = (payload, error)
            while next_i in ready:
                yield (next_i, *ready.pop(next_i))
                next_i += 1

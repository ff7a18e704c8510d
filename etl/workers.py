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
"""
import multiprocessing
import os
import queue
import signal

_CTX = multiprocessing.get_context("fork")
POLL_SECONDS = 0.5
CONTENT_NICENESS = 10


class WorkerDied(RuntimeError):
    """A worker process ended without sending all its results (killed, crashed)."""


def _ignore_interrupts():
    """Ctrl-C reaches the whole process group: the parent alone handles it and stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _content_loop(jobs, counter, results, extract_content):
    """Claim the next job index from the shared counter until none is left.

    Content workers run at a lower priority: while the parent loads jieba it
    then gets a whole core (the load is what the term workers wait for), and
    afterwards the term workers come first. Idle cores still go to them.
    """
    _ignore_interrupts()
    os.nice(CONTENT_NICENESS)
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value += 1
        if i >= len(jobs):
            return
        results.put(("content", i, *extract_content(jobs[i])))


def _terms_loop(tasks, results, count_terms):
    _ignore_interrupts()
    for i, text in iter(tasks.get, None):
        results.put(("terms", i, *count_terms(text)))


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
                                       args=(self.jobs, counter, self.results, extract_content))
                          for _ in range(workers)]
        for p in self.processes:
            p.start()
        warm_up()
        term_workers = [_CTX.Process(target=_terms_loop, daemon=True, args=(self.tasks, self.results, count_terms))
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

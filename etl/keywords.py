"""Keywords: jieba word counts per document, for keyness comparisons.

Uses its own jieba tokenizer with a user dictionary of policy terms (plus
every theme term, so dictionary phrases stay whole, and the configured place
names) and a stop-word list. jieba's HMM guessing of unknown words is off:
it is a sixth of the tokenising time and mostly yields fragments, while the
words that matter here come from the dictionaries.

The tokenizer is jieba-next: jieba's own algorithm, dictionary and
tie-breaking with the word graph and its best path computed in Rust, about
three times faster than jieba and token for token the same
(tests/test_tokenizer_identity.py checks it against jieba on real documents).
Its dictionary with the words added here is kept in jieba-next's cache
folder, as jieba keeps its own: read back in one piece, it loads in a
third of the time jieba-next takes for the bare dictionary.
"""
import hashlib
import json
import marshal
import os
import re
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jieba_next

from etl.config import DICT_DIR, load_regions

WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


@lru_cache(maxsize=1)
def stopwords():
    lines = (DICT_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=1)
def tokenizer(extra_terms=()):
    """jieba-next with the user dictionary, `extra_terms` and the place names (frequency 20), its word index built.

    The index is built here, so forked workers inherit it.
    """
    jieba_next.set_log_level(60)
    words = [term for term in (*extra_terms, *place_names()) if WORD.match(term)]
    userdict = (DICT_DIR / "userdict.txt").read_text(encoding="utf-8")
    cache = _dictionary_cache(userdict, words)
    tk = jieba_next.Tokenizer()
    try:
        tk.FREQ, tk.total = marshal.loads(cache.read_bytes())
        tk.initialized = True
    except (OSError, EOFError, ValueError, TypeError):
        tk._rust_prefix = False   # the Rust word index is built once, after the words below, not for the bare dictionary
        tk.load_userdict(str(DICT_DIR / "userdict.txt"))
        for term in words:
            tk.add_word(term, freq=20)
        _write_cache(cache, marshal.dumps((tk.FREQ, tk.total)))
    tk.lcut("预热", HMM=False)
    return tk


def _dictionary_cache(userdict, words):
    """Where the dictionary with these words is kept: named after them and jieba-next's version."""
    key = hashlib.sha256(json.dumps([jieba_next.__version__, userdict, words], ensure_ascii=False).encode()).hexdigest()
    return Path(jieba_next.get_cache_dir()) / f"jiedao-terms-{key[:16]}.cache"


def _write_cache(path, data):
    """Write atomically (a concurrent build reads the old file or the new one); a cache that cannot be written is skipped."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def place_names():
    """Configured place names and their stems (丹西街道 -> 丹西), as whole words."""
    names = set()
    for region in load_regions():
        for level in ("province", "city", "district", "subdistrict"):
            name = (region.get(level) or "").strip()
            if name:
                names.add(name)
                stem = re.sub(r"(?:街道|新区|省|市|区|县|镇|乡)$", "", name)
                if len(stem) >= 2:
                    names.add(stem)
    return sorted(names)


@lru_cache(maxsize=4)
def _sorted_terms(terms):
    """The tokenizer's key for these terms, sorted once rather than per document."""
    return tuple(sorted(terms))


def count_terms(texts, extra_terms=()):
    """Counter of content words (2+ Chinese characters, not stop words) in texts.

    The words are those of `cut(text, HMM=False)`, read straight off
    jieba-next's best path through each of jieba's blocks: a content word
    has two or more characters, so the one-character words (and the runs of
    Latin letters and digits `cut` joins from them) are skipped instead of
    built one by one, and the text between blocks (spaces, punctuation)
    holds none. Tested equal to counting `cut` (and jieba's) on real documents.
    """
    tk, stop = tokenizer(_sorted_terms(tuple(extra_terms))), stopwords()
    if tk._rust_prefix is None:
        tk.lcut("预热", HMM=False)   # builds the word index
    best_path, words = tk._rust_prefix.get_dag_and_calc, []
    for block in jieba_next.re_han_default.findall("\n".join(texts)):
        ends, start, n = best_path(block), 0, len(block)
        while start < n:
            end = ends[start] + 1
            if end - start > 1:
                words.append(block[start:end])
            start = end
    counts = Counter(words)   # counted first: each distinct word is checked once
    return Counter({w: n for w, n in counts.items() if w not in stop and WORD.match(w)})

"""The term tokenizer (jieba-next) against jieba, the reference it replaces for speed.

Both are set up the same way (the policy user dictionary, every theme term
and place name at frequency 20, HMM off) and must cut real documents token
for token alike: the seeds, and the development texts beside the project
(external texts and their raw downloads, silver reports) where they exist.
"""
from pathlib import Path

import jieba
import pytest

from etl.config import DICT_DIR
from etl.keywords import WORD, place_names, tokenizer
from etl.normalize import to_simplified
from etl.read import read_document
from etl.themes import default_dictionary

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DOCUMENTS = [p for p in sorted((ROOT / "seeds").iterdir()) if p.name != "manifest.csv"] + [
    p for folder in ("external/texts", "external/raw", "silver/texts") for p in sorted((SHARED / folder).glob("*.txt"))]


@pytest.fixture(scope="module")
def tokenizers():
    """(reference jieba tokenizer, the project's tokenizer), both with the project's dictionaries."""
    extra = tuple(sorted(default_dictionary().weights))
    jieba.setLogLevel(60)
    reference = jieba.Tokenizer()
    reference.load_userdict(str(DICT_DIR / "userdict.txt"))
    for term in (*extra, *place_names()):
        if WORD.match(term):
            reference.add_word(term, freq=20)
    return reference, tokenizer(extra)


def test_the_documents_cover_every_development_set():
    assert len([p for p in DOCUMENTS if p.parent.name == "seeds"]) == 5
    if (SHARED / "silver" / "texts").is_dir():
        assert {p.parent.parent.name + "/" + p.parent.name for p in DOCUMENTS} >= {
            "external/texts", "external/raw", "silver/texts"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cuts_real_documents_token_for_token_like_jieba(tokenizers, path):
    reference, fast = tokenizers
    text = read_document(path).text
    for version in (to_simplified(text), text):
        assert fast.lcut(version, HMM=False) == reference.lcut(version, HMM=False)


def test_a_tie_between_a_word_and_its_characters_breaks_as_in_jieba(tokenizers):
    """就业 at the theme terms' frequency 20 scores about the same as 就 + 业: jieba keeps the characters."""
    reference, fast = tokenizers
    sentence = "稳就业、保就业，扩大就业容量。"
    assert fast.lcut(sentence, HMM=False) == reference.lcut(sentence, HMM=False)
    assert "就业" not in reference.lcut(sentence, HMM=False)


def test_the_word_index_is_built_before_workers_fork():
    """The Rust index is built when the tokenizer is made (in the parent), not once per forked term worker."""
    assert tokenizer(tuple(sorted(default_dictionary().weights)))._rust_prefix is not None


def test_the_kept_dictionary_gives_the_tokenizer_a_fresh_build_gives(tokenizers, tmp_path, monkeypatch):
    """First build: jieba-next's dictionary plus the words, then kept; the second reads it back: the same tokenizer."""
    monkeypatch.setenv("JIEBA_NEXT_CACHE_DIR", str(tmp_path))
    extra = tuple(sorted(default_dictionary().weights))
    fresh = tokenizer.__wrapped__(extra)
    kept = list(tmp_path.glob("jiedao-terms-*.cache"))
    assert len(kept) == 1
    again = tokenizer.__wrapped__(extra)
    assert again.FREQ == fresh.FREQ and again.total == fresh.total
    assert fresh.FREQ == tokenizers[0].FREQ and fresh.total == tokenizers[0].total
    text = read_document(DOCUMENTS[0]).text
    assert again.lcut(text, HMM=False) == fresh.lcut(text, HMM=False) == tokenizers[0].lcut(text, HMM=False)
    # other words are kept apart; a damaged file is rebuilt
    tokenizer.__wrapped__(("扩中提低",))
    assert len(list(tmp_path.glob("jiedao-terms-*.cache"))) == 2
    kept[0].write_bytes(b"damaged")
    assert tokenizer.__wrapped__(extra).FREQ == fresh.FREQ


def test_no_word_has_more_word_prefixes_than_jieba_next_follows():
    """jieba-next's Rust word graph keeps at most 12 words starting at one character; jieba keeps all.

    The words starting at one place are prefixes of the longest one, so
    while no word of the dictionary has more than 12 words among its
    prefixes (itself included) the two graphs are the same for any text.
    """
    freq = tokenizer(tuple(sorted(default_dictionary().weights))).FREQ
    most = max(sum(1 for i in range(1, len(w) + 1) if freq.get(w[:i], 0) > 0) for w, f in freq.items() if f > 0)
    assert most <= 12


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_term_counts_are_the_counts_of_jiebas_words(tokenizers, path):
    """count_terms reads words off the best path instead of cutting: the counts of jieba's own cut."""
    from collections import Counter

    from etl.keywords import WORD, count_terms, stopwords
    reference, _ = tokenizers
    text = to_simplified(read_document(path).text)
    words = Counter(reference.lcut(text, HMM=False))
    expected = {w: n for w, n in words.items() if w not in stopwords() and WORD.match(w)}
    assert count_terms([text], tuple(sorted(default_dictionary().weights))) == expected

"""Normalise: keep the original, derive a Simplified, width-folded copy.

Themes, facts and keywords all run on the Simplified copy so Traditional and
Simplified documents are coded alike. The copy has the same length as the
original, character for character, so offsets found in it point into the
original text.
"""
from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _converter():
    return OpenCC("t2s")


WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text):
    """Full-width ASCII (Ａ１，) -> half-width; ideographic space -> space."""
    return text.translate(WIDTH_TABLE)


def to_simplified(text):
    """Simplified, width-folded copy of `text` with exactly the same length."""
    conv = _converter()
    simplified = conv.convert(text)
    if len(simplified) != len(text):
        simplified = "".join(conv.convert(ch) if len(conv.convert(ch)) == 1 else ch for ch in text)
    return fold_width(simplified)


def detect_script(text):
    """'traditional' when converting to Simplified changes many characters."""
    sample = text[:5000]
    changed = sum(a != b for a, b in zip(sample, _converter().convert(sample)))
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in sample) or 1
    return "traditional" if changed / cjk > 0.05 else "simplified"

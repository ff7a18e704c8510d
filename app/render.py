"""The dashboard's own HTML: every builder escapes the text it is given and writes CSS classes only.

Styles live in app/style.css; `stylesheet(theme_colors)` adds one rule per theme
(its colour as `--jl-theme`), so no element carries a style attribute and a
document's text never reaches the page unescaped. Pure functions returning
strings: views put them on the page with `st.markdown(..., unsafe_allow_html=True)`.
"""
import html
import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "style.css"
# Alpha of a sentence's tint in its theme colour (hex byte): light enough to read black text on it.
TINT_ALPHA = "1A"
# Deepest section level that gets its own indentation and heading size.
MAX_DEPTH = 3
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
TERM, FACT = "jl-term", "jl-fact"


def esc(text):
    return html.escape("" if text is None else str(text))


def theme_class(theme):
    """The class carrying a theme's colour ('' for no theme)."""
    if not isinstance(theme, str) or not theme:
        return ""
    return "jl-t-" + re.sub(r"[^A-Za-z0-9_-]", "_", theme)


def stylesheet(theme_colors):
    """The <style> element: app/style.css plus one colour rule per theme (colours checked as #RRGGBB)."""
    rules = [f".{theme_class(th)} {{ --jl-theme: {c}; --jl-theme-tint: {c}{TINT_ALPHA}; }}"
             for th, c in theme_colors.items() if isinstance(c, str) and _HEX.match(c)]
    return "<style>\n" + STYLESHEET.read_text(encoding="utf-8") + "\n" + "\n".join(rules) + "\n</style>"


def theme_chip(name, theme):
    """A small label in the theme's colour."""
    return f'<span class="jl-chip {theme_class(theme)}">{esc(name)}</span>'


def swatch(theme):
    return f'<span class="jl-swatch {theme_class(theme)}"></span>'


def highlight(text, simplified=None, terms=(), spans=()):
    """Escaped text with every occurrence of `terms` and every (start, end, tooltip) span marked.

    Terms are found in the Simplified copy, which has the same length as the
    original, so the same spans are marked in the original script. Spans (facts)
    win over terms where both cover a character; overlapping spans keep the first.
    """
    text = text or ""
    simplified = simplified if simplified and len(simplified) == len(text) else text
    marks = [None] * len(text)
    for term in {x for x in terms if x}:
        start = simplified.find(term)
        while start >= 0:
            for i in range(start, start + len(term)):
                marks[i] = (TERM, "")
            start = simplified.find(term, start + 1)
    taken_to = 0
    for a, b, tip in sorted(spans):
        a, b = max(0, int(a)), min(len(text), int(b))
        if a < taken_to or a >= b:
            continue
        for i in range(a, b):
            marks[i] = (FACT, tip, a)
        taken_to = b
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        chunk = esc(text[i:j])
        if marks[i] is None:
            out.append(chunk)
        else:
            title = f' title="{esc(marks[i][1])}"' if marks[i][1] else ""
            out.append(f'<mark class="{marks[i][0]}"{title}>{chunk}</mark>')
        i = j
    return "".join(out)


def sentence_list(rows):
    """Numbered sentences: rows of (text, simplified, terms, meta line)."""
    items = "".join(f'<li>{highlight(text, simp, terms)}<br><span class="jl-muted">{esc(meta)}</span></li>'
                    for text, simp, terms, meta in rows)
    return f'<ol class="jl-sentences">{items}</ol>'


def metadata_strip(pairs):
    """Label over value, side by side (a document's region, year, type...)."""
    return "".join(f'<span class="jl-meta-item"><span class="jl-meta-key">{esc(k)}</span><br>'
                   f'<span class="jl-meta-value">{esc(v)}</span></span>' for k, v in pairs)


def _depth(section):
    return min(str(section or "").count(" > "), MAX_DEPTH)


def outline(headings):
    """Section headings as an indented list: rows of (text, section path, main theme)."""
    return "".join(f'<div class="jl-outline-item jl-depth-{_depth(section)} {theme_class(theme)}">{esc(text)}</div>'
                   for text, section, theme in headings) or "—"


def legend(themes, fact_label):
    """Theme chips (pairs of theme, name), then the mark a fact gets."""
    return ("".join(theme_chip(name, th) for th, name in themes)
            + f' <mark class="{FACT}">{esc(fact_label)}</mark>')


def sentence(text, simplified=None, theme=None, tooltip="", spans=()):
    """One sentence tinted by its main theme, its facts marked."""
    inner = highlight(text, simplified, spans=spans)
    cls = f"jl-sent jl-themed {theme_class(theme)}" if theme_class(theme) else "jl-sent"
    title = f' title="{esc(tooltip)}"' if tooltip else ""
    return f'<span class="{cls}"{title}>{inner}</span>'


def reader(units):
    """A document as headings and paragraphs: units of (is_heading, section path, sentence HTML)."""
    blocks, para = [], []
    for is_heading, section, body in units:
        if is_heading:
            if para:
                blocks.append(f'<p>{"".join(para)}</p>')
                para = []
            blocks.append(f'<div class="jl-heading jl-heading-{min(_depth(section), 2)}">{body}</div>')
        else:
            para.append(body)
    if para:
        blocks.append(f'<p>{"".join(para)}</p>')
    return f'<div class="jl-reader">{"".join(blocks)}</div>'


def emphasis_card(place, year, items):
    """A region's top themes: items of (theme, name, share)."""
    body = "".join(f'<div class="jl-card-row">{swatch(th)}{esc(name)} <span class="jl-card-value">{share:.0%}</span></div>'
                   for th, name, share in items)
    return (f'<div class="jl-card"><div class="jl-card-title">{esc(place)} '
            f'<span class="jl-card-year">{esc(year)}</span></div>{body}</div>')


def kwic_table(headers, rows):
    """Keyword in context: headers (place, left, term, right, document); rows of (place, left, match, right, doc)."""
    place, left, term, right, doc = (esc(h) for h in headers)
    body = "".join(f'<tr><td class="jl-kwic-place">{esc(p)}</td><td class="jl-kwic-left">{esc(lt)}</td>'
                   f'<td class="jl-kwic-match">{esc(m)}</td><td class="jl-kwic-right">{esc(rt)}</td>'
                   f'<td class="jl-kwic-doc">{esc(d)}</td></tr>' for p, lt, m, rt, d in rows)
    return (f'<table class="jl-table jl-kwic"><thead><tr><th>{place}</th><th class="jl-right">{left}</th>'
            f'<th>{term}</th><th>{right}</th><th>{doc}</th></tr></thead><tbody>{body}</tbody></table>')


def dictionary_table(headers, rows):
    """The theme dictionary: rows of (theme, name, other-language name, colour, definition)."""
    body = "".join(f'<tr><td class="jl-nowrap">{swatch(th)}<b>{esc(name)}</b><br>'
                   f'<span class="jl-small-muted">{esc(other)} · <code>{esc(th)}</code> · {esc(color)}</span></td>'
                   f'<td>{esc(definition)}</td></tr>' for th, name, other, color, definition in rows)
    return (f'<table class="jl-table"><thead><tr><th>{esc(headers[0])}</th><th>{esc(headers[1])}</th></tr></thead>'
            f'<tbody>{body}</tbody></table>')

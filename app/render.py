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


def emphasis_card(place, year, items, doc_types=()):
    """A region's top themes: items of (theme, name, share), under its year and the types of its documents."""
    body = "".join(f'<div class="jl-card-row">{swatch(th)}{esc(name)} <span class="jl-card-value">{share:.0%}</span></div>'
                   for th, name, share in items)
    kinds = f' <span class="jl-card-year">· {esc("、".join(doc_types))}</span>' if doc_types else ""
    return (f'<div class="jl-card"><div class="jl-card-title">{esc(place)} '
            f'<span class="jl-card-year">{esc(year)}</span>{kinds}</div>{body}</div>')


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


# ------------------------------------------------------------------ leaders' view (issue 12)

def ref(text, href):
    """Text linked to a dashboard address, opened in the same tab (a link to a sentence or a drill-down)."""
    if not href:
        return esc(text)
    return f'<a class="jl-ref" href="{esc(href)}" target="_self">{esc(text)}</a>'


def segments(line, base="", lang="zh"):
    """One line of (text, Link | None) segments as HTML."""
    return "".join(ref(text, link.href(base, lang)) if link else esc(text) for text, link in line)


def promise_card(place, year, facts, follow, empty_text):
    """A place's headline numbers: facts of (kind, kind label, indicator, value, unit, href); follow lines as HTML."""
    rows = "".join(f'<div class="jl-card-row jl-promise"><span class="jl-kind jl-kind-{esc(kind)}">{esc(label)}</span> '
                   f'<span class="jl-ind">{esc(ind)}</span> {ref(value, href)}'
                   f'<span class="jl-unit">{esc(unit)}</span></div>'
                   for kind, label, ind, value, unit, href in facts) or f'<div class="jl-muted">{esc(empty_text)}</div>'
    tail = "".join(f'<div class="jl-follow">{line}</div>' for line in follow)
    return (f'<div class="jl-card jl-promises"><div class="jl-card-title">{esc(place)} '
            f'<span class="jl-card-year">{esc(year)}</span></div>{rows}{tail}</div>')


def initiative_table(headers, rows):
    """Initiatives: rows of (place, year, name, href, theme, theme name, n places, status, rule); one column per header."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(f'<tr><td class="jl-nowrap">{esc(place)}</td><td>{esc(year)}</td>'
                   f'<td>{ref(name, href)}</td><td>{theme_chip(theme_name, theme) if theme_name else ""}</td>'
                   f'<td class="jl-right">{esc(n)}</td><td>{esc(status)}</td>'
                   f'<td class="jl-small-muted">{esc(rule)}</td></tr>'
                   for place, year, name, href, theme, theme_name, n, status, rule in rows)
    return (f'<div class="jl-scroll"><table class="jl-table jl-initiatives"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>')


def shared_initiatives(headers, rows, more=None):
    """Initiatives several places share: rows of (name, [(place, year, href)...], place-years not listed).

    `more(n)`: the words that end a row whose list leaves n place-years out.
    """
    body = "".join(f'<tr><td><b>{esc(name)}</b></td><td>'
                   + " · ".join([ref(f"{place} {year}", href) for place, year, href in uses]
                                + ([esc(more(n_more))] if n_more > 0 and more else [])) + "</td></tr>"
                   for name, uses, n_more in rows)
    return (f'<div class="jl-scroll"><table class="jl-table"><thead><tr><th>{esc(headers[0])}</th>'
            f'<th>{esc(headers[1])}</th></tr></thead><tbody>{body}</tbody></table></div>')


def brief_body(brief, base="", lang="zh"):
    """The brief as a block: title, documents, then each section's lines with their links."""
    parts = [f'<div class="jl-brief"><h2 class="jl-brief-title">{esc(brief.title)}</h2>',
             f'<div class="jl-brief-sub">{esc(brief.subtitle)}</div>']
    for sec in brief.sections:
        lines = "".join(f"<li>{segments(line, base, lang)}</li>" for line in sec.lines)
        parts.append(f'<section class="jl-brief-section jl-brief-{esc(sec.key)}"><h3>{esc(sec.heading)}</h3>'
                     f"<ul>{lines}</ul></section>")
    parts.append("</div>")
    return "".join(parts)


# Print page: A4, CJK fonts as Debian's fonts-noto-cjk names them (fontconfig finds them, nothing is fetched).
_PRINT_CSS = """
@page { size: A4; margin: 14mm 14mm 12mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif; color: #222;
       font-size: 10.5pt; line-height: 1.5; }
.jl-brief-title { color: #1F4E79; font-size: 20pt; margin: 0 0 2mm 0; }
.jl-brief-sub { color: #666; margin-bottom: 4mm; }
.jl-brief-section h3 { color: #1F4E79; font-size: 12pt; margin: 3mm 0 1mm 0; border-bottom: 1px solid #ccd; }
.jl-brief-section ul { margin: 0; padding-left: 5mm; }
.jl-ref { color: #1F4E79; text-decoration: underline; }
"""


def brief_document(brief, base, lang="zh"):
    """A standalone HTML page of the brief for printing to PDF; links absolute, to the dashboard at `base`."""
    html_lang = "en" if lang == "en" else "zh-CN"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8"><title>{esc(brief.title)}</title>'
            f"<style>{_PRINT_CSS}</style></head><body>{brief_body(brief, base, lang)}</body></html>")


def linked(sentence_html):
    """A sentence reached through a link, outlined so the eye finds it in the document."""
    return f'<span class="jl-sent-linked" id="linked-sentence">{sentence_html}</span>'

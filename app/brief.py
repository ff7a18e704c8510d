"""A one-page brief per place and year, written from the warehouse in Chinese or English.

The brief is data, not HTML: sections of lines, each line a list of segments
(text, link). Every number carries the link to what it was computed from (a
fact's sentence in the documents view, a theme share's sentences in the theme
drill-down), so the dashboard (app/render.py), the PDF and the deck slide
(app/deck.py) all show the same text with the same links.
"""
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from app import queries
from app.i18n import t
from app.labels import Labels
from etl import settings

# Themes named in the emphasis line: the place's largest shares, and its largest gaps to the average.
TOP_THEMES = 3
# Targets, achievements and initiatives listed: enough for one page.
TOP_FACTS = 5
TOP_INITIATIVES = 6
# Row cap of a query that must return every row of one place's two years.
ALL_ROWS = 10 ** 9
# Change in theme share below which a shift is not reported (0.02 = 2 percentage points).
MIN_SHIFT = 0.02
# Where a link in a PDF or a slide points: the dashboard as `make run` serves it.
# Seconds Chromium may take to print one page.
PDF_TIMEOUT = 60


@dataclass(frozen=True)
class Link:
    """A dashboard address: page path and its parameters."""
    page: str
    params: tuple = ()

    def href(self, base="", lang="zh"):
        params = list(self.params) + ([("lang", "en")] if lang == "en" else [])
        return f"{base}{self.page}?{urlencode(params)}"


def sentence_link(doc_id, sent_no):
    return Link("documents", (("doc", doc_id), ("s", int(sent_no))))


def theme_link(region_id, year, theme):
    return Link("themes", (("g", f"{region_id}-{int(year)}"), ("th", theme)))


@dataclass
class Section:
    key: str
    heading: str
    lines: list = field(default_factory=list)   # each a list of (text, Link | None)


@dataclass
class Brief:
    region_id: str
    year: int
    lang: str
    place: str
    title: str
    subtitle: str
    sections: list = field(default_factory=list)

    def text(self):
        """Plain text of the whole brief (tests, notes of the slide)."""
        out = [self.title, self.subtitle]
        for s in self.sections:
            out.append(s.heading)
            out += ["".join(text for text, _ in line) for line in s.lines]
        return "\n".join(out)

    def links(self):
        return [link for s in self.sections for line in s.lines for _, link in line if link]


def app_url():
    """Base address of the dashboard for links outside it (PDF, slides): JIEDAO_APP_URL, else localhost."""
    url = settings.app_url()
    return url if url.endswith("/") else url + "/"


def _pct(x):
    return f"{x:.0%}"


def _pp(x, lang):
    points = round(x * 100)
    return t("brief_pp", lang, n=f"{points:+d}")


def _value(row):
    return row.surface if isinstance(row.surface, str) and row.surface else f"{row.value:g}{row.unit or ''}"


def _shares(con, regions, doc_types):
    """{(region, year): {theme: share of body sentences}}."""
    tc = queries.theme_counts(con, regions=regions, doc_types=doc_types)
    out = {}
    for r in tc.itertuples():
        out.setdefault((r.region_id, int(r.year)), {})[r.theme] = r.n_sentences / r.total_sentences
    return out


def _average(shares, region_id, themes):
    """Mean share per theme over the other places, each at its latest year (None without another place)."""
    latest = {}
    for (reg, yr) in shares:
        if reg != region_id and yr >= latest.get(reg, yr):
            latest[reg] = yr
    if not latest:
        return None, []
    return ({th: sum(shares[(reg, yr)].get(th, 0.0) for reg, yr in latest.items()) / len(latest) for th in themes},
            sorted(latest))


def _sep(lang):
    return ", " if lang == "en" else "、"


def _emphasis(con, lab, region_id, year, lang, regions, doc_types):
    sec = Section("emphasis", t("brief_emphasis", lang))
    shares = _shares(con, regions, doc_types)
    mine = shares.get((region_id, year))
    if not mine:
        sec.lines.append([(t("no_data", lang), None)])
        return sec
    avg, others = _average(shares, region_id, lab.theme_order)
    top = sorted(mine, key=lambda th: -mine[th])[:TOP_THEMES]
    line = [(t("brief_most", lang), None)]
    for i, th in enumerate(top):
        line.append(((_sep(lang) if i else "") + lab.theme_name.get(th, th) + " ", None))
        line.append((_pct(mine[th]), theme_link(region_id, year, th)))
        if avg is not None:
            line.append((t("brief_vs_avg", lang, avg=_pct(avg[th]), pp=_pp(mine[th] - avg[th], lang)), None))
    sec.lines.append(line)
    if avg is None:
        sec.lines.append([(t("brief_no_comparison", lang), None)])
        return sec
    names = _sep(lang).join(lab.region_name.get(r, r) for r in others)
    sec.lines.append([(t("brief_avg_of", lang, places=names), None)])
    gaps = {th: mine.get(th, 0.0) - avg[th] for th in lab.theme_order}
    above = [th for th in sorted(gaps, key=lambda th: -gaps[th]) if gaps[th] >= MIN_SHIFT][:TOP_THEMES]
    below = [th for th in sorted(gaps, key=lambda th: gaps[th]) if gaps[th] <= -MIN_SHIFT][:TOP_THEMES]
    for key, items in (("brief_above", above), ("brief_below", below)):
        if items:
            line = [(t(key, lang), None)]
            for i, th in enumerate(items):
                line.append(((_sep(lang) if i else "") + lab.theme_name.get(th, th) + " ", None))
                line.append((_pp(gaps[th], lang), theme_link(region_id, year, th)))
            sec.lines.append(line)
    return sec


def headline(facts, kind, n=TOP_FACTS):
    """The first `n` facts of a kind in document order, one per indicator (the headline numbers)."""
    rows, seen = [], set()
    for r in facts[facts.kind == kind].itertuples():
        key = r.indicator or r.surface
        if key in seen:
            continue
        seen.add(key)
        rows.append(r)
        if len(rows) == n:
            break
    return rows


def fact_line(r, lang):
    """indicator and value as written, the value linked to its sentence."""
    return [((r.indicator + " ") if r.indicator else "", None), (_value(r), sentence_link(r.doc_id, r.sent_no))]


def _facts(con, region_id, year, lang):
    sec = Section("facts", t("brief_targets", lang))
    facts = queries.headline_facts(con, n=TOP_FACTS, regions=[region_id], years=[year])
    for kind in ("target", "achievement"):
        rows = headline(facts, kind)
        if rows:
            line = [(t(f"kind_{kind}", lang) + (": " if lang == "en" else "："), None)]
            for i, r in enumerate(rows):
                line += ([("; " if lang == "en" else "；", None)] if i else []) + fact_line(r, lang)
            sec.lines.append(line)
    if not sec.lines:
        sec.lines.append([(t("brief_no_facts", lang), None)])
    return sec


def link_line(r, lang):
    """target (year) → achievement (year), progress, with the rule that matched them."""
    line = [(f"{r.target_indicator}{'：' if lang != 'en' else ': '}", None),
            (r.target_surface, sentence_link(r.target_doc_id, r.target_sent_no)),
            (f" ({int(r.target_year)}) → ", None),
            (r.achievement_surface, sentence_link(r.achievement_doc_id, r.achievement_sent_no)),
            (f" ({int(r.achievement_year)})", None)]
    if pd.notna(r.progress):
        line.append((t("brief_progress", lang, p=_pct(r.progress)), None))
    line.append((t("brief_rule", lang, rule=rule_text(r, lang)), None))
    return line


# The ordering clause of fact_links.rule (etl/followthrough.py), before its colon, and its interface key.
RULE_CLAUSES = {"later year": "rule_later_year", "same year, later document type": "rule_later_type",
                "same year and type, later publication": "rule_later_published"}


def rule_text(r, lang):
    """The match rule in the interface language: which ordering clause matched, the shared words, the score."""
    clause = str(r.rule).split(":", 1)[0]
    if clause not in RULE_CLAUSES:
        return str(r.rule)
    return t("rule_text", lang, clause=t(RULE_CLAUSES[clause], lang), tokens=r.tokens, score=f"{r.score:.2f}")


def _changes(con, lab, region_id, year, lang, doc_types):
    sec = Section("changes", t("brief_changes", lang))
    years = sorted(int(y) for y in queries.place_years(con, regions=[region_id]).year)
    earlier = [y for y in years if y < year]
    if not earlier:
        sec.lines.append([(t("brief_first", lang), None)])
        return sec
    prev = earlier[-1]
    sec.lines.append([(t("brief_since", lang, prev=prev), None)])
    shares = _shares(con, [region_id], doc_types)
    now, before = shares.get((region_id, year), {}), shares.get((region_id, prev), {})
    shift = {th: now.get(th, 0.0) - before.get(th, 0.0) for th in lab.theme_order}
    for key, items in (("brief_rose", [th for th in sorted(shift, key=lambda x: -shift[x]) if shift[th] >= MIN_SHIFT]),
                       ("brief_fell", [th for th in sorted(shift, key=lambda x: shift[x]) if shift[th] <= -MIN_SHIFT])):
        if items:
            line = [(t(key, lang), None)]
            for i, th in enumerate(items[:TOP_THEMES]):
                line.append(((_sep(lang) if i else "") + lab.theme_name.get(th, th) + " ", None))
                line.append((f"{_pct(before.get(th, 0.0))} → {_pct(now.get(th, 0.0))}", theme_link(region_id, year, th)))
            sec.lines.append(line)
    # Every name of the place's two years (its first mention in each): what is new, and what was dropped.
    ini = queries.initiative_tables(con, n=ALL_ROWS, uses=0, regions=[region_id], years=[prev, year])
    ini = ini[ini.part == "place"]
    new = ini[(ini.year == year) & (ini.is_new.fillna(False).astype(bool))].drop_duplicates("name_norm")
    dropped = set(ini[ini.year == prev].name_norm) - set(ini[ini.year == year].name_norm)
    if not new.empty:
        line = [(t("brief_new_initiatives", lang, n=len(new)), None)]
        for i, r in enumerate(new.head(TOP_INITIATIVES).itertuples()):
            line.append(((_sep(lang) if i else ""), None))
            line.append((r.name, sentence_link(r.doc_id, r.sent_no)))
        sec.lines.append(line)
    if dropped:
        sec.lines.append([(t("brief_dropped", lang, n=len(dropped)), None)])
    links = queries.follow_through(con, n=TOP_FACTS, regions=[region_id], achievement_years=[year])
    for r in links.itertuples():
        sec.lines.append(link_line(r, lang))
    return sec


def _initiatives(con, lab, region_id, year, lang):
    sec = Section("initiatives", t("brief_initiatives", lang))
    mine = queries.place_initiatives(con, region_id, year).drop_duplicates("name_norm")
    if mine.empty:
        sec.lines.append([(t("brief_no_initiatives", lang), None)])
        return sec
    places = dict(zip(mine.name_norm, mine.places))
    shared = mine[mine.n_places > 1]
    unique = mine[mine.n_places == 1]
    if not shared.empty:
        line = [(t("brief_shared", lang, n=len(shared)), None)]
        for i, r in enumerate(shared.head(TOP_INITIATIVES).itertuples()):
            others = _sep(lang).join(lab.region_name.get(x, x) for x in places[r.name_norm] if x != region_id)
            line.append(((_sep(lang) if i else ""), None))
            line.append((r.name, sentence_link(r.doc_id, r.sent_no)))
            line.append((f" ({others})", None))
        sec.lines.append(line)
    if not unique.empty:
        line = [(t("brief_unique", lang, n=len(unique)), None)]
        for i, r in enumerate(unique.head(TOP_INITIATIVES).itertuples()):
            line.append(((_sep(lang) if i else ""), None))
            line.append((r.name, sentence_link(r.doc_id, r.sent_no)))
        sec.lines.append(line)
    return sec


def build_brief(con, region_id, year, lang="zh", regions=(), doc_types=(), labels=None):
    """The brief of one place and year; `regions` are the places compared (empty = all)."""
    lab = labels or Labels(con, lang)
    year = int(year)
    place = lab.region_name.get(region_id, region_id)
    docs = queries.documents(con, regions=[region_id], years=[year])
    subtitle = f"{year} · " + _sep(lang).join(
        f"{lab.doc_type_name.get(d.doc_type, d.doc_type)}《{d.title}》" for d in docs.itertuples())
    regions = sorted(set(regions) | {region_id}) if regions else ()
    brief = Brief(region_id, year, lang, place, t("brief_title", lang, place=place), subtitle)
    brief.sections = [_emphasis(con, lab, region_id, year, lang, regions, doc_types),
                      _facts(con, region_id, year, lang),
                      _changes(con, lab, region_id, year, lang, doc_types),
                      _initiatives(con, lab, region_id, year, lang)]
    return brief


def latest_briefs(con, lang="zh", regions=(), years=(), doc_types=()):
    """One brief per place: its latest year within the filters, places in display order."""
    lab = Labels(con, lang)
    py = queries.place_years(con, regions=regions, years=years, doc_types=doc_types)
    latest = py.groupby("region_id").year.max()
    order = [r for r in lab.region_order if r in latest.index]
    return [build_brief(con, r, int(latest[r]), lang, regions, doc_types, lab) for r in order]


def chromium():
    """Debian's Chromium, found on the PATH (None when it is not installed)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def pdf_bytes(document_html):
    """Print a standalone HTML page to PDF with headless Chromium (its fonts through fontconfig, offline)."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("PDF export needs Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="jiedao-brief-") as tmp:
        src, out = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        src.write_text(document_html, encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}", src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT)
        if not out.exists() or out.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print the brief: {proc.stderr.strip()[-400:]}")
        return out.read_bytes()

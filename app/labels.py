"""Display names, order and colours of themes, regions and document types, in one language.

Names come from the warehouse; the region order from `sort_order` in the
regions configuration (config/regions.yaml), so no region is named in code.
"""
import functools

from app import palette, queries
from etl import config, settings


def region_display_order():
    """Configured region ids in display order ([] when the configuration file is absent)."""
    path = settings.regions_file()
    if not path.exists():
        return []
    stat = path.stat()
    return list(_region_order(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _region_order(path, mtime_ns, size):
    """The order parsed once per version of the file: a page run and each chart it builds read it."""
    del mtime_ns, size
    return tuple(config.region_order(path))


class Labels:
    def __init__(self, con, lang):
        self.lang = lang
        en = lang == "en"
        th = queries.themes(con)
        self.theme_order = list(th["theme"])
        self.theme_name = dict(zip(th["theme"], th["name_en" if en else "name_zh"]))
        self.theme_color = dict(zip(th["theme"], th["color"]))
        rg = queries.regions(con, order=region_display_order())
        self.region_order = list(rg["region_id"])
        self.region_name = dict(zip(rg["region_id"], rg["name_en" if en else "name_zh"]))
        self.region_color = {r: palette.series_color(i) for i, r in enumerate(self.region_order)}
        dt = queries.doc_types(con)
        self.doc_type_name = dict(zip(dt["doc_type"], dt["name_en" if en else "name_zh"]))

    def group(self, region_id, year):
        return f"{self.region_name.get(region_id, region_id)} {int(year)}"

    def regions_in(self, values):
        """Region ids among `values`, in display order; `values` is read once (a set built per id was
        quadratic: 50 places x 10,000 rows took a third of a page's run)."""
        present = set(values)
        return [r for r in self.region_order if r in present]

    def themes_in(self, values):
        """Theme ids among `values`, in dictionary order; `values` is read once."""
        present = set(values)
        return [th for th in self.theme_order if th in present]

    def themes_for(self, filters):
        """Themes to show, in dictionary order."""
        return [th for th in self.theme_order if not filters.themes or th in filters.themes]

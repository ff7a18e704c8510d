"""What the user chose, as one hashable value the chart builders, the cache and the export share."""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Filters:
    """Empty tuples mean "all". Hashable, so it can key caches."""
    regions: tuple = ()
    years: tuple = ()
    themes: tuple = ()
    doc_types: tuple = ()
    measure: str = "sentences"          # 'sentences' | 'chars'
    mode: str = "share"                 # 'share' | 'count'
    region: str | None = None           # focus region (trends, keyness)
    compare_with: str | None = None     # keyness: the other region, None = the rest
    units: tuple = ()                   # facts
    kinds: tuple = ()                   # facts: 'target', 'achievement'
    style: str = "line"                 # trends: 'line' | 'slope'

    @property
    def doc_args(self):
        return {"regions": self.regions, "years": self.years, "doc_types": self.doc_types}

    def with_(self, **changes):
        return replace(self, **changes)

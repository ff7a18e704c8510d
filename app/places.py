"""The administrative tree the sidebar offers: province → city → district, each node standing for the regions under it.

A node is its path of names joined by "/" ("山东省/青岛市"), so it is stable,
readable in a shared link and independent of the display language. A level
that repeats its parent (天津市 is a province-level city) is one node.
"""
import pandas as pd

LEVELS = ("province", "city", "district")
SEPARATOR = "/"


def _path(row):
    """The region's names from province down to district, empty levels ending the path."""
    path = []
    for level in LEVELS:
        value = row.get(level)
        if not isinstance(value, str) or not value:
            break
        if not path or path[-1] != value:
            path.append(value)
    return tuple(path)


def place_nodes(regions: pd.DataFrame):
    """[(node, depth, name)]: every province, city and district some region lies in, in tree order.

    Siblings come in the order of their first region in the table (the
    configured display order), each node followed by the nodes under it.
    """
    first = {}
    for row in regions.to_dict("records"):
        path = _path(row)
        for depth in range(len(path)):
            first.setdefault(path[:depth + 1], len(first))

    def tree_position(path):
        return tuple(first[path[:k]] for k in range(1, len(path) + 1))

    return [(SEPARATOR.join(path), len(path) - 1, path[-1]) for path in sorted(first, key=tree_position)]


def regions_under(regions: pd.DataFrame, node):
    """Region ids in `node` (all regions for an empty node), in the table's order."""
    parts = tuple(node.split(SEPARATOR)) if node else ()
    return [row["region_id"] for row in regions.to_dict("records") if _path(row)[:len(parts)] == parts]

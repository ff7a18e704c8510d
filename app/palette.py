"""Colours that are not themes' (theme colours come from etl/themes.yaml through the warehouse).

One palette and one colour helper for the chart builders and both renderers.
"""

# Regions in display order, and any other series without a colour of its own.
SERIES = ["#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22", "#FF7F0E"]
KIND = {"target": "#95A5A6", "achievement": "#2471A3"}
ROSE, FELL = "#C0392B", "#2471A3"
OTHERS = "#7F8C8D"                 # "the rest" in a comparison
HEAT_DEFAULT = "#1F4E79"           # a heatmap column without a theme colour


def series_color(i):
    """The i-th series colour, cycling."""
    return SERIES[i % len(SERIES)]


def rgb(color, fallback=SERIES[0]):
    """#RRGGBB -> (r, g, b)."""
    color = (color or fallback).lstrip("#")[:6]
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def mix_white(color, amount):
    """Lighten a #RRGGBB colour towards white by amount (0 = unchanged, 1 = white)."""
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb(color))

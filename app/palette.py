"""Colours that are not themes' (theme colours come from etl/themes.yaml through the warehouse).

One palette and one colour helper for the chart builders and both renderers.
"""
import colorsys

# Regions in display order, and any other series without a colour of its own.
SERIES = ["#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22", "#FF7F0E"]
KIND = {"target": "#95A5A6", "achievement": "#2471A3"}
ROSE, FELL = "#C0392B", "#2471A3"
OTHERS = "#7F8C8D"                 # "the rest" in a comparison
REFERENCE = "#222222"              # the average bars are read against
HEAT_DEFAULT = "#1F4E79"           # a heatmap column without a theme colour


GOLDEN_ANGLE = 137.508             # degrees: successive hues never fall near each other
LIGHTNESS_STEPS = (0.35, 0.55)     # alternating dark and light: neighbours in a legend differ in both


def series_color(i):
    """The i-th series colour: the palette above, then hues a golden angle apart, so no two series share one."""
    if i < len(SERIES):
        return SERIES[i]
    k = i - len(SERIES)
    hue = (k * GOLDEN_ANGLE + 15) % 360
    return _hsl(hue, 0.75, LIGHTNESS_STEPS[k % len(LIGHTNESS_STEPS)])


def _hsl(hue, saturation, lightness):
    """#RRGGBB of an HSL colour (hue in degrees)."""
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def rgb(color, fallback=SERIES[0]):
    """#RRGGBB -> (r, g, b)."""
    color = (color or fallback).lstrip("#")[:6]
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def mix_white(color, amount):
    """Lighten a #RRGGBB colour towards white by amount (0 = unchanged, 1 = white)."""
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb(color))

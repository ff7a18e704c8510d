"""The twelve theme colours stay apart for every reader: normal vision and the three colour-vision deficiencies."""
import itertools

import pytest

from etl.themes import default_dictionary

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
SIMULATIONS = {
    "normal": None,
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
# CIE76 ΔE: about 2 is just noticeable; 10 and more reads as another colour at a glance.
MIN_DELTA_E = 12


def _linear(channel):
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb):
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _seen(color, matrix):
    rgb = [_linear(int(color[i:i + 2], 16)) for i in (1, 3, 5)]
    if matrix is None:
        return _lab(rgb)
    return _lab([min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in matrix])


@pytest.mark.parametrize("vision", sorted(SIMULATIONS))
def test_no_two_themes_look_alike(vision):
    colors = {t["name_zh"]: t["color"] for t in default_dictionary().themes}
    assert len(colors) == 12
    seen = {name: _seen(color, SIMULATIONS[vision]) for name, color in colors.items()}
    closest = min(itertools.combinations(seen, 2),
                  key=lambda pair: sum((a - b) ** 2 for a, b in zip(seen[pair[0]], seen[pair[1]])))
    distance = sum((a - b) ** 2 for a, b in zip(seen[closest[0]], seen[closest[1]])) ** 0.5
    assert distance >= MIN_DELTA_E, (vision, closest, round(distance, 1))

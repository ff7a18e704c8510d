"""Jiedao Lens application layer: queries -> chart specs -> renderers (Plotly, PowerPoint)."""

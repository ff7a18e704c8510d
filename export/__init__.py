"""Scripted exports without the browser: `python -m export deck --out deck.pptx ...`."""

"""Renderers: turn computed data into text, Markdown, JSON, CSV and annotations.

Only modules in this package import Rich.
"""

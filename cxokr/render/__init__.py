"""Renderers: turn computed data into text, Markdown, JSON, CSV, HTML and chat messages.

May import: the top-level modules and the data types of `compute`, `rules` and
`git`. Never `load`, `edit` or `cli`: a renderer is given what it shows. The
only package that imports Rich.
"""

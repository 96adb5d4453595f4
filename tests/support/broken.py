"""A small invalid scenario (an unknown place, written as markup) shared by the gallery tests and benchmarks."""

BROKEN_SCENARIO = """\
format: 1
id: bad
title: Broken
date: 2025-03-27
options:
  - id: a
    name: A
    colour: navy
    forces:
      - {name: F, nation: FR, troops: 10, at: "<b>Nowhere</b>"}
"""

"""The tests' one harness (imported as ``support``; tests/ is on ``sys.path`` through pytest's rootdir conftest).

- ``support.cli``: the ``mapper`` command as a user runs it: ``run_cli`` in-process through ``mapper.cli.main``
  (the ``run_cli`` fixture is the same, with the test's ``tmp_path`` as working folder), ``run_process`` in a
  fresh ``python -m mapper``, ``run_command`` for any other program; all return a ``CliResult``.
- ``support.reference``: paths of the repository's examples and data, independent geodesic references (pyproj
  ``Geod`` and the raw CSV/GeoJSON files, never ``mapper.geodesy``), and scenario text factories.
- ``support.strategies``: Hypothesis strategies for damaged and random scenario documents.
- ``support.browser``: headless Chromium with the network cut off; ``support.hostile_text``: injection strings.
- ``support.serve``: ``mapper serve`` under test, over raw HTTP (``Client``) and in Chromium (``ServedPage``).
- ``support.tiers``: which variants of a parametrized test run in ``make test`` (the rest in ``make test-sweeps``).

Test modules import from here, never from one another.
"""

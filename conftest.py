"""Plugins that must run in the main pytest process, even under xdist.

Only conftest files loaded at start-up run in the xdist controller; the snippet tests need
it to measure coverage inside snippet subprocesses (see tests/snippets/coverage_plugin.py).
"""

pytest_plugins = ["tests.snippets.coverage_plugin"]

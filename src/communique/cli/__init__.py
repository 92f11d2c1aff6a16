"""The `communique` command line: options, formatting and errors; the work is done elsewhere."""

from communique.cli.main import main

__all__ = ["main"]

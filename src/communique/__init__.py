"""communique: state-media articles and the declarations they publish, as rows in SQLite."""

__all__ = ["__version__"]

__version__ = "0.1.0"

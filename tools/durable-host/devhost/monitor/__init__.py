"""The ops monitor page at /monitor: static assets and a small JSON endpoint for the list."""

from devhost.monitor.routes import ROUTES

__all__ = ["ROUTES"]

"""orchestrators of the service; see docs/architecture.md."""

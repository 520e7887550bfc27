"""Local stand-ins for external services (Replicate), used by tests and `make run`."""

"""Local Durable Functions host: runs a `DFApp` with the real SDK, without Core Tools."""

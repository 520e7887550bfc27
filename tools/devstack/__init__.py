"""Local stack for development and tests: Azurite, fake Replicate, the local Functions host."""

"""pytest plugin of the local host: fixtures that run a `DFApp` in-process."""

"""Timer-triggered functions: the scheduled retention run."""

"""Timer-triggered functions."""

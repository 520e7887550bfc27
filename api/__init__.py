"""HTTP-trigger functions, one blueprint per module."""

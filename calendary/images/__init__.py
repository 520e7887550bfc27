"""Downloading and normalising user images."""

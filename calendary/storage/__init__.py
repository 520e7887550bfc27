"""Adapters over Azure Storage: blobs, tables, the notification queue and the training archive."""

"""Delivery of queued notifications to Telegram, directly or through an N8N webhook."""

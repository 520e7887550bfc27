"""Durable entities: the chat record, one per chat, that applies its operations one at a time."""

"""A local fake of the Telegram Bot API: the methods the service and n8n's Telegram nodes call,
the files they download, and a user whose messages reach the bot's webhook as updates."""

"""A local fake of the Telegram Bot API methods the service calls (`sendMessage`, `sendPhoto`)."""

"""Telegram's `User`, `Chat` and `MessageEntity` objects, shaped like core.telegram.org/bots/api."""

from __future__ import annotations

import re
from typing import Any

# Telegram marks `/command` and `/command@bot` wherever a word starts with one.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def bot_id(token: str) -> int:
    """A bot's id is the number its token starts with."""
    number = token.split(":", 1)[0]
    return int(number) if number.isdigit() else 0


def bot_user(token: str, username: str, first_name: str) -> dict[str, Any]:
    """The `User` getMe answers with."""
    return {
        "id": bot_id(token),
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def sender(user_id: int) -> dict[str, Any]:
    """The person writing to the bot: one stable made-up profile per id."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Test",
        "last_name": f"User {user_id}",
        "username": f"user{user_id}",
        "language_code": "en",
    }


def chat(chat_id: int) -> dict[str, Any]:
    """A private chat shares its id with the user; negative ids are groups."""
    if chat_id > 0:
        user = sender(chat_id)
        return {
            "id": chat_id,
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "username": user["username"],
            "type": "private",
        }
    return {"id": chat_id, "title": f"Group {-chat_id}", "type": "group"}


def command_entities(text: str) -> list[dict[str, Any]]:
    """`bot_command` entities; offsets and lengths count UTF-16 code units, as Telegram's do."""
    return [
        {
            "offset": _utf16_length(text[: match.start()]),
            "length": _utf16_length(match.group()),
            "type": "bot_command",
        }
        for match in _COMMAND.finditer(text)
    ]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2

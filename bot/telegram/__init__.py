"""The Telegram channel: python-telegram-bot as the Bot API client and update parser."""

#: The channel's name, as stored with identities and outbox rows.
TELEGRAM = "telegram"

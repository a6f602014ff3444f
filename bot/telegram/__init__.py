"""The Telegram channel: python-telegram-bot as the Bot API client and update parser."""

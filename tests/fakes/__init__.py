"""Local stand-ins for the services the bot talks to (Telegram, Discord, OpenAI)."""

"""community-bot: the platform-neutral core of the community's chat bot."""

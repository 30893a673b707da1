"""Feature modules: each holds one concern's handlers and a `router`."""

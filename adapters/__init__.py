"""Platform adapters: each turns its platform's events into `Incoming` and sends `Reply`s."""

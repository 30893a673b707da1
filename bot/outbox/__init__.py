"""The outbox: every bulk message is first written as delivery rows, then sent by the worker."""

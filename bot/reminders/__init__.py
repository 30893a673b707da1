"""Deadline reminders: one scheduler job per deadline and offset, fanned out through the outbox."""

"""The core: turns an `Incoming` into replies, with no knowledge of any platform."""

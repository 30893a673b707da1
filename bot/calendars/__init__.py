"""Contest dates as iCalendar files and feeds."""

"""Organizers' own documents (PDF, Word, web pages, Markdown) turned into knowledge files."""

"""The rules of Highlight: plain Python, no Flask, no database, no forms."""

"""Exports for other tools: a WACZ for the web-archiving tools (ReplayWeb.page, pywb,
browsertrix), a SQLite file for Datasette or pandas."""

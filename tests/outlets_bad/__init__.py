"""Outlet declarations that are wrong, one per module, for the tests of how a bad one is
refused (``NEWSARCHIVE_OUTLETS=tests.outlets_bad.NAME``)."""

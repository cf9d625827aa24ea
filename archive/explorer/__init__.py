"""The story explorer behind ``newsarchive browse``: server-side HTML over the read model
(``state/explorer.sqlite``), with replay of each capture through pywb."""

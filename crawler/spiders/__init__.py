"""The outlets' spiders: ``cnn`` and ``reuters``, both built on :class:`NewsSpider`."""

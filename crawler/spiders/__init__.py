"""The spiders: one per declared outlet (``spiders/outlets.py``), all :class:`NewsSpider`."""

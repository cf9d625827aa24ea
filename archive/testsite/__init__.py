"""The bundled test site: outlet-shaped pages served on loopback, for tests and the demo."""

from pathlib import Path

SITE_ROOT = Path(__file__).parent / "site"

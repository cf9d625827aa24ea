"""One module per outlet template. Importing this package registers them all, in order."""

# The order of the imports is the order in which templates are tried for an outlet.
from . import (
    cnn_2013,  # noqa: F401
    cnn_2015,  # noqa: F401
    cnn_2021,  # noqa: F401
    reuters_2013,  # noqa: F401
    reuters_2015,  # noqa: F401
    reuters_2016,  # noqa: F401
    reuters_2018,  # noqa: F401
    reuters_2021,  # noqa: F401
    reuters_blogs,  # noqa: F401
    reuters_fallback,  # noqa: F401
)

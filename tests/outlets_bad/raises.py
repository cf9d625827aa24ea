"""A module that fails as it is imported, with an error other than ImportError."""

raise RuntimeError("this declaration cannot be read")

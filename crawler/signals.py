"""newsarchive's own signals."""

# Sent by a spider after parsing a page: response=..., outlinks=[(url, kind), ...]
outlinks_chosen = object()

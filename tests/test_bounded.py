"""archive.warc.bounded: lines read as warcio reads them, only bounded."""

from __future__ import annotations

import gzip
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.bufferedreaders import DecompressingBufferedReader

from archive.warc.bounded import BoundedReader

# Lines with and without their newline, some longer than the buffer, some empty.
LINES = st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=12)
# readline(length) and read(length) calls, as the record parsers make them.
CALLS = st.lists(
    st.tuples(st.sampled_from(["readline", "read"]), st.one_of(st.none(), st.integers(1, 50))),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(LINES, CALLS, st.integers(1, 17), st.booleans())
def test_lines_and_reads_are_warcios(
    lines: list[bytes], calls: list[tuple[str, int | None]], block: int, gz: bool
) -> None:
    data = b"\n".join(lines) + b"tail without a newline"
    stored = gzip.compress(data) if gz else data
    decomp = "gzip" if gz else None
    ours = BoundedReader(io.BytesIO(stored), block_size=block, decomp_type=decomp)
    theirs = DecompressingBufferedReader(io.BytesIO(stored), block_size=block, decomp_type=decomp)
    for name, length in calls:
        assert getattr(ours, name)(length) == getattr(theirs, name)(length)

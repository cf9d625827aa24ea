"""The replay's spool: items back in capture-time order, each exactly as it went in."""

from __future__ import annotations

from archive.replay.spool import BUFFER, CaptureSpool


def item(n: int, captured: str, size: int = 10) -> dict:
    return {"n": n, "body": "é" * size, "metadata": {"dateDownloaded": captured}}


def test_items_come_back_by_capture_time_ties_in_archive_order() -> None:
    added = [
        item(0, "2013-01-02T00:00:00Z"),
        item(1, "2013-01-01T00:00:00Z"),
        item(2, "2013-01-02T00:00:00Z", size=BUFFER * 2),  # larger than a buffer
        item(3, "2013-01-01T00:00:00Z"),
        item(4, ""),
    ]
    spool = CaptureSpool()
    for one in added:
        spool.add(one)
    assert len(spool) == 5
    assert list(spool.in_capture_order()) == [added[i] for i in (4, 1, 3, 0, 2)]
    spool.close()


def test_an_item_added_after_reading_is_read_next_time() -> None:
    spool = CaptureSpool()
    spool.add(item(0, "2013-01-02T00:00:00Z"))
    spool.add(item(1, "2013-01-01T00:00:00Z"))
    assert [got["n"] for got in spool.in_capture_order()] == [1, 0]
    spool.add(item(2, "2013-01-01T12:00:00Z"))
    assert [got["n"] for got in spool.in_capture_order()] == [1, 2, 0]
    spool.close()


def test_an_item_holding_a_string_of_a_subclass_comes_back_as_json_gives_it() -> None:
    """Extraction's strings may be of a subclass (lxml's results of XPath): the item comes
    back with plain strings of the same text, as the JSON it is written as holds them."""

    class Text(str):
        pass

    added = {"n": 0, "headline": Text("Rain"), "metadata": {"dateDownloaded": ""}}
    spool = CaptureSpool()
    spool.add(added)
    (back,) = spool.in_capture_order()
    assert back == added
    assert type(back["headline"]) is str
    spool.close()

"""Printed and structured dates of both outlets come out as one ISO 8601 UTC form."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crawler.pages.dates import (
    format_utc,
    parse_date,
    parse_iso,
    reads_as_date,
    us_eastern_dst,
    zone_offset,
)

NORMAL_FORM = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        # CNN 2013: the date, then the update time in GMT and Hong Kong time.
        ("January 29, 2013 -- Updated 2238 GMT (0638 HKT)", "2013-01-29T22:38:00Z"),
        ("February 2, 2013 -- Updated 0105 GMT (0905 HKT)", "2013-02-02T01:05:00Z"),
        # CNN 2014-2016: the time first, then the date.
        ("Updated 10:49 AM EST, Tue January 29, 2013", "2013-01-29T15:49:00Z"),
        ("Updated 7:12 AM ET, Sat February 2, 2013", "2013-02-02T12:12:00Z"),
        ("Updated 7:12 AM ET, Sun June 2, 2013", "2013-06-02T11:12:00Z"),
        ("Updated 12:05 AM EDT, Wed July 3, 2013", "2013-07-03T04:05:00Z"),
        ("Published 10:49 AM EST, Tue January 29, 2013", "2013-01-29T15:49:00Z"),
        ("updated 10:38 PM EST, Tue January 29, 2013", "2013-01-30T03:38:00Z"),
        ("Sept. 22, 2016 9:40 a.m. EDT", "2016-09-22T13:40:00Z"),
        # Reuters 2010-2017.
        ("Fri Jan 18, 2013 8:08am EST", "2013-01-18T13:08:00Z"),
        ("Sun Feb 10, 2013 4:03pm GMT", "2013-02-10T16:03:00Z"),
        ("Mon Jun 19, 2017 | 2:12pm EDT", "2017-06-19T18:12:00Z"),
        ("Thu Jan 17, 2013 12:30pm EST", "2013-01-17T17:30:00Z"),
        ("Thu Jan 17, 2013 12:30am EST", "2013-01-17T05:30:00Z"),
        # REVISION_DATE, with seconds.
        ("Fri Jan 18 13:08:21 UTC 2013", "2013-01-18T13:08:21Z"),
        # Reuters 2018-2020: no zone printed, the stamp is UTC.
        ("February 10, 2013 / 9:03 AM / 6 years ago", "2013-02-10T09:03:00Z"),
        ("February 10, 2013 /  9:03 PM / Updated 6 years ago", "2013-02-10T21:03:00Z"),
        # Reuters 2021+: date, time and update note run together in the text.
        ("January 18, 20138:08 AM UTCUpdated 6 hours ago", "2013-01-18T08:08:00Z"),
        ("January 18, 2013 8:08 AM UTC", "2013-01-18T08:08:00Z"),
        # Offsets and RFC 2822.
        ("Jan 18, 2013 8:08 AM GMT+1", "2013-01-18T07:08:00Z"),
        ("Jan 18, 2013 8:08 AM +05:30", "2013-01-18T02:38:00Z"),
        ("Fri, 18 Jan 2013 13:08:21 GMT", "2013-01-18T13:08:21Z"),
        ("18 January 2013 14:00 WAT", "2013-01-18T13:00:00Z"),
        # Zones of the editions' own cities.
        ("Fri Jan 18, 2013 3:08pm SAST", "2013-01-18T13:08:00Z"),
        ("Fri Jan 18, 2013 8:08pm WIB", "2013-01-18T13:08:00Z"),
        ("Fri Jan 18, 2013 10:08pm KST", "2013-01-18T13:08:00Z"),
        ("Fri Jan 18, 2013 6:08pm PKT", "2013-01-18T13:08:00Z"),
        ("Fri Jan 18, 2013 10:08am BRT", "2013-01-18T13:08:00Z"),
        ("Sat Jan 19, 2013 2:08am NZDT", "2013-01-18T13:08:00Z"),
        # Non-breaking spaces as printed.
        ("Fri\u00a0Jan\u00a018, 2013\u00a08:08am\u00a0EST", "2013-01-18T13:08:00Z"),
        # ISO values go through the same door.
        ("2013-02-10T09:03:12+0000", "2013-02-10T09:03:12Z"),
        ("2013-02-10T09:03:12.512Z", "2013-02-10T09:03:12Z"),
    ],
)
def test_printed_stamps(printed: str, expected: str) -> None:
    assert parse_date(printed) == expected


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "6 years ago",
        "Updated 10:49 AM EST",
        "Foo 12, 2013",
        "Feb 30, 2013 1:00 AM GMT",
    ],
)
def test_non_dates_give_none(junk: str | None) -> None:
    assert parse_date(junk) is None


@pytest.mark.parametrize(
    "printed",
    ["Fri Jan 18, 2013 3:08pm XST", "January 18, 2013 8:08 AM QQTUpdated 6 hours ago"],
)
def test_a_zone_no_table_names_gives_no_instant(printed: str) -> None:
    """A stamp in a zone newsarchive does not know was read as UTC: a wrong instant, where
    none is the truth."""
    assert parse_date(printed) is None


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("SAN JUAN, Puerto Rico", "2013-01-18T19:08:00Z"),  # Atlantic Standard Time
        ("Hamilton, Bermuda", "2013-01-18T19:08:00Z"),
        ("RIYADH, Saudi Arabia", "2013-01-18T12:08:00Z"),  # Arabia Standard Time
        ("Baghdad", "2013-01-18T12:08:00Z"),
        ("Arabia", "2013-01-18T12:08:00Z"),  # an edition of the region
        (None, None),  # no place: Atlantic or Arabia, no instant (the spec's is in UTC)
        ("Segou, Mali", None),
        ("Puerto Rico and Kuwait", None),  # places of both zones
    ],
)
def test_a_zone_of_several_zones_is_read_by_the_place(
    place: str | None, expected: str | None
) -> None:
    """ "AST" is Atlantic or Arabia Standard Time: the place the page is of says which.
    Before, such a stamp gave no date wherever it was printed."""
    assert parse_date("Fri Jan 18, 2013 3:08pm AST", place=place) == expected
    assert reads_as_date("Fri Jan 18, 2013 3:08pm AST")


@pytest.mark.parametrize(
    ("place", "expected"),
    [("RIYADH", "2013-01-18T12:08:00Z"), ("San Juan, Puerto Rico", "2013-01-18T19:08:00Z")],
)
def test_a_four_digit_time_in_a_zone_of_several_zones_is_read_by_the_place(
    place: str, expected: str
) -> None:
    """CNN's "Updated 1508 AST" was no time at all (its zone unknown to the four-digit
    form): the date alone, midnight UTC, a wrong instant wherever the page was."""
    stamp = "January 18, 2013 -- Updated 1508 AST"
    assert parse_date(stamp) is None
    assert reads_as_date(stamp)
    assert parse_date(stamp, place=place) == expected
    assert parse_date("January 18, 2013 -- Updated 1508 XST") is None


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        # Reuters' spans read without spaces between them: the offset glued to the label.
        ("April 25, 20232:26 PM GMT+2Last Updated 9 min ago", "2023-04-25T12:26:00Z"),
        ("April 25, 2023 2:26 PM GMT-0430Updated", "2023-04-25T18:56:00Z"),
        # The zone in brackets after the time.
        ("Jan 18, 2013 3:08 PM (EST)", "2013-01-18T20:08:00Z"),
        ("04 August 2013 02:21 (GMT+0400)", "2013-08-03T22:21:00Z"),
    ],
)
def test_a_zone_glued_to_a_word_or_in_brackets_is_the_times(printed: str, expected: str) -> None:
    """Before, "GMT+2Last" was read as GMT (the offset lost, two hours off) and a zone in
    brackets as none, the time read as UTC."""
    assert parse_date(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Fr Jan 18, 2013 2:08pm MEZ", "2013-01-18T13:08:00Z"),
        ("Sa Jun 15, 2013 2:08pm MESZ", "2013-06-15T12:08:00Z"),
    ],
)
def test_central_european_time_in_german(printed: str, expected: str) -> None:
    """MEZ and MESZ (CET and CEST as German stamps print them) were no zone the tables
    named and not shaped as one ("...T"): the time was read as UTC, an hour or two off."""
    assert parse_date(printed) == expected


def test_a_stamp_naming_its_place_says_which_zone() -> None:
    assert parse_date("Jan 18, 2013 3:08 PM AST (Doha)") == "2013-01-18T12:08:00Z"
    assert parse_date("Jan 18, 2013 3:08 PM AST in San Juan, Puerto Rico") == (
        "2013-01-18T19:08:00Z"
    )


def test_a_zone_no_table_names_reads_as_no_date() -> None:
    assert not reads_as_date("Fri Jan 18, 2013 3:08pm XST")
    assert reads_as_date("Fri Jan 18, 2013 3:08pm EST")
    assert not reads_as_date("a mill opened")


@pytest.mark.parametrize(
    "after",
    ["MON", "THURS", "SATURDAY", "CNN", "UPDATED", "LONDON", "LOCAL", "HRS", "AFP", "AP"],
)
def test_words_after_the_time_that_are_no_zone_leave_it_in_the_default_zone(after: str) -> None:
    """Only an abbreviation shaped as zones are ("...T": XST, NZT) is an unknown zone: a
    day, an outlet, a place or a label after the time said nothing of it, and lost the date."""
    assert parse_date(f"January 7, 2013 10:02 AM {after}") == "2013-01-07T10:02:00Z"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Jun 5, 2013 10:30 AM PT", "2013-06-05T17:30:00Z"),
        ("Jan 5, 2013 10:30 AM PT", "2013-01-05T18:30:00Z"),
        ("Jun 5, 2013 10:30 AM MT", "2013-06-05T16:30:00Z"),
        ("Jan 5, 2013 10:30 AM CT", "2013-01-05T16:30:00Z"),
    ],
)
def test_us_zones_named_without_standard_or_daylight_follow_us_clocks(
    printed: str, expected: str
) -> None:
    assert parse_date(printed) == expected


def test_a_stamp_without_time_is_midnight_in_the_default_zone() -> None:
    assert parse_date("January 18, 2013") == "2013-01-18T00:00:00Z"
    assert parse_date("January 18, 2013 8:08 AM", default_zone="EST") == "2013-01-18T13:08:00Z"


def test_iso_forms() -> None:
    assert parse_iso("2013-01-29T22:38:00Z") == "2013-01-29T22:38:00Z"
    assert parse_iso("2013-01-29T17:38:00-05:00") == "2013-01-29T22:38:00Z"
    assert parse_iso("2013-01-29T17:38:00-0500") == "2013-01-29T22:38:00Z"
    assert parse_iso("2013-01-29") == "2013-01-29T00:00:00Z"
    assert parse_iso("2013-01-29T22:38:00.123456Z") == "2013-01-29T22:38:00Z"
    assert parse_iso("Jan 29, 2013") is None
    assert parse_iso("2013-13-29") is None


def test_zone_offsets() -> None:
    assert zone_offset("EST") == timedelta(hours=-5)
    assert zone_offset("hkt") == timedelta(hours=8)
    assert zone_offset("+05:30") == timedelta(hours=5, minutes=30)
    assert zone_offset("-0500") == timedelta(hours=-5)
    assert zone_offset("GMT+1") == timedelta(hours=1)
    assert zone_offset("XYZ") is None


def test_format_utc_treats_naive_as_utc_and_truncates() -> None:
    assert format_utc(datetime(2013, 1, 18, 8, 8, 8, 999)) == "2013-01-18T08:08:08Z"


def test_us_eastern_daylight_time_rules() -> None:
    assert not us_eastern_dst(datetime(2013, 3, 10, 1, 59))
    assert us_eastern_dst(datetime(2013, 3, 10, 3, 0))
    assert us_eastern_dst(datetime(2013, 11, 3, 0, 59))
    assert not us_eastern_dst(datetime(2013, 11, 3, 2, 0))
    assert us_eastern_dst(datetime(2006, 4, 2, 3, 0))
    assert not us_eastern_dst(datetime(2006, 10, 29, 2, 0))


# -- properties -------------------------------------------------------------------------

MOMENTS = st.datetimes(
    min_value=datetime(1995, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.just(timezone.utc),
).map(lambda moment: moment.replace(microsecond=0))


def _twelve_hour(local: datetime, sep: str = " ") -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{sep}{'AM' if local.hour < 12 else 'PM'}"


def _reuters_2013(local: datetime, zone: str) -> str:
    clock = _twelve_hour(local, "").lower()
    return f"{local:%a %b} {local.day}, {local.year} {clock} {zone}"


def _cnn_2016(local: datetime, zone: str) -> str:
    return f"Updated {_twelve_hour(local)} {zone}, {local:%a %B} {local.day}, {local.year}"


def _cnn_2013(local: datetime, zone: str) -> str:
    hkt = local + timedelta(hours=8)
    return f"{local:%B} {local.day}, {local.year} -- Updated {local:%H%M} {zone} ({hkt:%H%M} HKT)"


def _reuters_2018(local: datetime, zone: str) -> str:
    return f"{local:%B} {local.day}, {local.year} / {_twelve_hour(local)} / 6 years ago"


def _reuters_2021(local: datetime, zone: str) -> str:
    return f"{local:%B} {local.day}, {local.year}{_twelve_hour(local)} {zone}Updated 2 hours ago"


def _offset_stamp(local: datetime, zone: str) -> str:
    return f"{local:%b} {local.day}, {local.year} {_twelve_hour(local)} {zone}"


FIXED_ZONES = {"EST": -5, "EDT": -4, "GMT": 0, "UTC": 0, "HKT": 8}
FORMATS = [
    (_reuters_2013, ["EST", "EDT", "GMT"]),
    (_cnn_2016, ["EST", "EDT"]),
    (_cnn_2013, ["GMT"]),
    (_reuters_2018, ["UTC"]),
    (_reuters_2021, ["UTC"]),
]


@given(moment=MOMENTS, choice=st.integers(min_value=0, max_value=100))
def test_printed_formats_round_trip_to_the_same_instant(moment: datetime, choice: int) -> None:
    render, zones = FORMATS[choice % len(FORMATS)]
    zone = zones[choice % len(zones)]
    local = (moment + timedelta(hours=FIXED_ZONES[zone])).replace(tzinfo=None)
    parsed = parse_date(render(local, zone))
    assert parsed == format_utc(moment.replace(second=0))
    assert parsed is not None and NORMAL_FORM.match(parsed)


@given(moment=MOMENTS, minutes=st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_numeric_offsets_round_trip(moment: datetime, minutes: int) -> None:
    minutes -= minutes % 15
    local = (moment + timedelta(minutes=minutes)).replace(tzinfo=None)
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    expected = format_utc(moment)
    assert parse_date(local.isoformat() + offset) == expected
    assert parse_date(_offset_stamp(local, "GMT" + offset)) == format_utc(moment.replace(second=0))


@given(moment=MOMENTS)
def test_revision_date_keeps_seconds(moment: datetime) -> None:
    stamp = f"{moment:%a %b %d %H:%M:%S} UTC {moment.year}"
    assert parse_date(stamp) == format_utc(moment)


@given(moment=MOMENTS)
def test_eastern_time_follows_new_york_clocks(moment: datetime) -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        new_york = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database")
    local = moment.astimezone(new_york)
    # The hour repeated when clocks go back reads as standard time, as printed pages mean it.
    assume(local.fold == 0 and local.replace(fold=1).utcoffset() == local.utcoffset())
    stamp = _cnn_2016(local.replace(tzinfo=None), "ET")
    assert parse_date(stamp) == format_utc(moment.replace(second=0))


@given(st.text(max_size=60))
def test_any_text_gives_none_or_the_normal_form(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or NORMAL_FORM.match(parsed)


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",  # .NET's DateTime.MinValue, a CMS placeholder
        "9999-12-31T23:00:00-05:00",
        "2016-12-18T15:43:31+25:00",
        "2016-12-18T15:43:31+24:00",
        "2016-12-18T15:43:31-99:99",
        "December 18, 2016 3:43 PM GMT+25",
    ],
)
def test_a_date_past_the_calendar_or_an_offset_no_clock_has_is_none(value: str) -> None:
    # Before, OverflowError or ValueError escaped, and the whole article was dropped.
    assert parse_date(value) is None
    assert parse_iso(value) is None


def test_a_year_before_1000_keeps_four_digits() -> None:
    assert parse_iso("0201-03-04T00:00:00Z") == "0201-03-04T00:00:00Z"
    assert format_utc(datetime(999, 1, 2, tzinfo=timezone.utc)) == "0999-01-02T00:00:00Z"


def test_iso_offsets_of_hours_alone_and_the_basic_format() -> None:
    assert parse_iso("2016-12-18T10:43:31-05") == "2016-12-18T15:43:31Z"
    assert parse_iso("20161218T104331-0500") == "2016-12-18T15:43:31Z"
    assert parse_iso("20161218") == "2016-12-18T00:00:00Z"
    assert parse_iso("2016-1218") is None  # the two forms mixed

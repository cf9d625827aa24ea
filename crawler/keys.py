"""Names shared by the crawl's components, defined once: request-meta keys and stat names.

A key here is read by one component and written by another; spelling it twice is how two
components stop hearing each other. Stats a single component keeps to itself stay there.
"""

# -- request.meta / response.meta ------------------------------------------------------
HOPS = "newsarchive_hops"  # related-coverage hops from a start article (the spider)
START = "newsarchive_start"  # the page is a start point: its listing links are followed
KIND = "newsarchive_kind"  # why it is requested: start, listing, article, related, inline
WARC_META = "newsarchive_warc"  # the RecordLocation of the response's WARC record
# A revisit's: the RecordLocation of the response archived first with its payload (a run
# killed before storing its article archived it), where replay takes its article from.
FIRST_ARCHIVED = "newsarchive_first_archived"
LINKS = "newsarchive_links"  # an article's chosen links, recorded in the fetch history
KNOWN = "newsarchive_known"  # the FetchRecord a conditional request came from
TRUNCATED = "newsarchive_truncated"  # WARC-Truncated reason of a cut response: length, time
FETCH_START = "newsarchive_fetch_start"  # when the download began (a monotonic clock)
WIRE = "newsarchive_wire"  # the bytes as they came off the wire, for the WARC writer
LEASE = "newsarchive_lease"  # a shared crawl's lease on a request taken from the queue
PENDING_METADATA = "_newsarchive_pending_metadata"  # a metadata record awaiting outlinks
# crawl --via (crawler/viaarchive.py): a request to the web archive itself (its index or a
# capture), the Memento a capture's request fetches (for the recorder), and on the page's
# request, where the page came from ({archive, mementoUrl, retrieved}, for the item).
ARCHIVE_REQUEST = "newsarchive_via_internal"
MEMENTO = "newsarchive_memento"
RETRIEVED_FROM = "newsarchive_retrieved_from"
UNDECODABLE = "newsarchive_undecodable"  # (kind, message): an archived body that failed decoding

# -- stats (shown in the run report) ---------------------------------------------------
EXAMPLES = "newsarchive/examples"  # {error kind: a few example URLs}
ERROR_STATS = "newsarchive/errors/"  # + kind: failures by kind
PAGE_STATS = "newsarchive/pages/"  # + what a page was: article, listing, not_modified, ...
TEMPLATE_FAILED_STATS = "newsarchive/templates/failed/"  # + template: it raised on a page
ARTICLE_STATS = "newsarchive/articles/"  # + new, updated, unchanged
STATE_LOST_STAT = "newsarchive/state/lost"  # a shared crawl's worker lost its Redis: why
STORE_LOCKED_STAT = "newsarchive/store/locked"  # the store pipeline gave up waiting for the lock
RESUMED_STAT = "newsarchive/resumed"  # the run picked up an unfinished crawl's frontier
WARC_STATS = "newsarchive/warc/"  # the recorder's counts, summed in the run report
WARC_RECORDS_STAT = WARC_STATS + "records"  # records written
WARC_BYTES_STAT = WARC_STATS + "bytes"  # bytes written
WARC_FILES_STAT = WARC_STATS + "files"  # names of the files written (a list)
WARC_NOT_INDEXED_STAT = WARC_STATS + "not_indexed"  # files the CDXJ index skipped, why
VIA_STATS = "newsarchive/via/"  # crawl --via: what was asked of the archive, summed in the report
VIA_ANSWERED_STAT = VIA_STATS + "answered"  # pages answered by a capture
VIA_NOT_ARCHIVED_STAT = VIA_STATS + "not_archived"  # pages with no capture in the window
VIA_LOOKUPS_STAT = VIA_STATS + "lookups"  # index lookups asked of the archive, answered or not
VIA_LOOKUPS_CACHED_STAT = VIA_STATS + "lookups_cached"  # answered by the lookup cache
# The archive's own requests and answers (index, captures): not pages, taken off the totals.
VIA_INTERNAL_REQUESTS_STAT = VIA_STATS + "internal/request_count"
VIA_INTERNAL_RESPONSES_STAT = VIA_STATS + "internal/response_count"
VIA_INTERNAL_STATUS_STATS = VIA_STATS + "internal/status/"  # + HTTP status
# an archived record whose WARC-Date names no moment: dated by the archive's index instead
VIA_DATED_BY_INDEX_STAT = VIA_STATS + "dated_by_index"
# an archive's answer (a TimeGate's, a capture's) whose Memento-Datetime reads as no date
VIA_DATETIME_UNREAD_STAT = VIA_STATS + "memento_datetime_unread"
# a TimeMap lookup with a page it links to unread (lost, no TimeMap): the mementos read served
VIA_TIMEMAP_INCOMPLETE_STAT = VIA_STATS + "timemap_incomplete"
CUT_SHORT_STAT = "newsarchive/cut_short"  # the closing run cut its downloads under way
BAD_URL = "bad_url"  # error kind: a URL that cannot be requested, found in an old frontier

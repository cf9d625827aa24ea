"""Scrapy settings of newsarchive: polite defaults, every component behind an _ENABLED switch.

A test-server or mirror run overrides politeness with ``-s`` (see the README).
"""

from typing import Any

from archive import __version__
from archive.store import store as _store

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- politeness ---------------------------------------------------------------------------
NEWSARCHIVE_CONTACT_URL = ""  # set it: sites want to know who crawls them
USER_AGENT = f"newsarchive/{__version__} (news archiving crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
# No control ports: Scrapy's telnet console and its remote-control server (code execution on
# localhost, with token files left under ~/.local/state/scrapy/ by killed runs) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# ... and the remote-control extension is not even loaded: Scrapy imports every extension it
# lists to order them, enabled or not, and its module imports aiohttp (about 0.1 s of CPU at
# the start of every run). Scrapy's other base extensions stay as Scrapy lists them, read
# when Scrapy asks for them (see __getattr__ at the end): the commands that only read
# newsarchive's defaults (replay, store) do not import Scrapy for them.

# -- fetching -----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 0  # hops are counted by newsarchive's link policy (NEWSARCHIVE_DEPTH)
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.CanonicalRequestFingerprinter"
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.TimedHTTPDownloadHandler",
    "https": "crawler.handlers.TimedHTTPDownloadHandler",
}

# -- newsarchive components ---------------------------------------------------------------
EXTENSIONS = {
    "crawler.recorder.WarcRecorder": 100,
    "crawler.gctuning.GcTuning": 0,
    # --max-pages and --max-runtime: Scrapy's CloseSpider, cutting waits before retries.
    "scrapy.extensions.closespider.CloseSpider": None,
    "crawler.closespider.GracefulCloseSpider": 0,
}
# Faults: robots.txt per RFC 9309, guards on where requests go, retries with backoff,
# size and time limits that keep (and mark truncated) what arrived.
DOWNLOADER_MIDDLEWARES = {
    "crawler.guards.RequestGuard": 40,
    "crawler.refusal.RefusingOutletGuard": 45,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.decoding.NamedDecodingMiddleware": 590,
    "crawler.limits.DownloadLimits": 595,
    # Incremental crawls, below the decoder (590): compares decoded payloads.
    "crawler.incremental.IncrementalMiddleware": 580,
    "crawler.guards.RedirectGuard": 650,
    # Meta refresh read from the head's bytes instead of a decoded copy of every page.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.metarefresh.HeadMetaRefreshMiddleware": 579,  # after incremental (580)
    # A run closing (--max-runtime, a signal) sends no more pages: unsent, left for the next.
    "crawler.closespider.StopSending": 985,
    # --max-pages: last before the download, so it counts what reaches the network.
    "crawler.budget.PageBudget": 990,
}
NEWSARCHIVE_METAREFRESH_ENABLED = True  # False: Scrapy's reading (decodes every page)
ITEM_PIPELINES = {
    "crawler.pipelines.ValidationPipeline": 100,
    "crawler.pipelines.StorePipeline": 300,
}

NEWSARCHIVE_DATA_DIR = "data"  # set by --data, which wins over -s NEWSARCHIVE_DATA_DIR
NEWSARCHIVE_RUN_ID = ""  # set by each run: <run-id> of runs/<run-id>.json
NEWSARCHIVE_PROGRESS_INTERVAL = 10.0  # seconds between progress lines on a terminal (0: none)
NEWSARCHIVE_DEPTH = 2
NEWSARCHIVE_MAX_PAGES = 0  # --max-pages: requests that may reach the network (0: no limit)
NEWSARCHIVE_START_URLS: list[str] = []

NEWSARCHIVE_WARC_ENABLED = True
NEWSARCHIVE_WARC_PREFIX = "newsarchive"
NEWSARCHIVE_WARC_VERSION = "1.1"
NEWSARCHIVE_WARC_MAX_SIZE = 1_000_000_000
NEWSARCHIVE_WARC_OPERATOR = ""
# Revisit records for payloads already archived under the same URL (a digest index on disk).
NEWSARCHIVE_WARC_DEDUP_ENABLED = True
NEWSARCHIVE_WARC_DEDUP_INDEX = ""  # default: DATA/state/warc-digests.sqlite3
# Close leftover .open files before a crawl; bring warc/index.cdxj up to date after it.
NEWSARCHIVE_WARC_RECOVERY_ENABLED = True
NEWSARCHIVE_WARC_INDEX_ENABLED = True

NEWSARCHIVE_VALIDATION_ENABLED = True  # with the store off (the store checks what it writes)
NEWSARCHIVE_STORE_ENABLED = True
# The explorer's read model (DATA/state/explorer.sqlite: tables and full-text search over the
# store) caught up at the end of a crawl that wrote to the store.
NEWSARCHIVE_READ_MODEL_ENABLED = True

# Incremental crawls: fetch history and resumable frontier in DATA/state/fetch.sqlite
# (a crawl through an archive: one file per archive, --at and --window, fetch-via-*.sqlite).
# Known articles are re-fetched conditionally by age: {age limit: least seconds between
# fetches} (younger than a day: every run; than a week: daily; older: never), unless
# NEWSARCHIVE_RECRAWL (--recrawl) is "all" or "none".
NEWSARCHIVE_INCREMENTAL_ENABLED = True
NEWSARCHIVE_RECRAWL = "auto"
NEWSARCHIVE_REFETCH_SCHEDULE = {86400: 0, 7 * 86400: 86400}
# The store library (floor 1, below these settings) owns the two values; named here once.
NEWSARCHIVE_STORE_BATCH_SIZE = _store.DEFAULT_BATCH_SIZE  # lines per fsync and index commit
NEWSARCHIVE_STORE_BATCH_SECONDS = 5.0  # and at least this often while articles come in
NEWSARCHIVE_STORE_LOCK_TIMEOUT = _store.DEFAULT_LOCK_TIMEOUT  # wait for another writer, then 75

# Cyclic GC: start-up heap frozen, young generation collected every 10,000 allocations
# instead of 700 (crawler/gctuning.py; about 9% of a crawl's CPU was the collector; replay
# tunes it the same way).
NEWSARCHIVE_GC_TUNING_ENABLED = True
NEWSARCHIVE_GC_THRESHOLDS = [10_000, 10, 10]

# -- several machines (README "Several machines") --------------------------------------------
# `newsarchive crawl --state redis://HOST:PORT/DB` (or NEWSARCHIVE_STATE) makes the process one
# worker of a shared crawl (crawler/scale.py sets scrapy-redis's scheduler and dupe filter).
NEWSARCHIVE_STATE = ""
NEWSARCHIVE_WORKER = ""  # HOST-PID, set per worker: names its WARC, store, log, report files
NEWSARCHIVE_STATE_LEASE_SECONDS = 30.0  # a silent worker's requests go back after this long, >= 1
NEWSARCHIVE_STATE_POLL_SECONDS = 0.5  # an idle worker looks at the shared queue this often
# `newsarchive replay --cluster`: a WARC file larger than this (bytes) is scanned
# in parts of about this size, each on a worker, cut at record starts (--part-size; 0: whole
# files).
NEWSARCHIVE_REPLAY_PART_SIZE = 64 * 1024 * 1024
# The same for `replay --jobs N`: smaller, as the first captures wait for the first part's
# scan, and a local worker's part costs no network.
NEWSARCHIVE_REPLAY_JOBS_PART_SIZE = 4 * 1024 * 1024
# `replay --cluster` waits this long (seconds, --cluster-wait) for the scheduler's first
# worker (tcp://...), or for a new one once it lost every worker mid-replay, then gives up with
# exit 75: a scheduler without workers holds the tasks and never runs one.
NEWSARCHIVE_CLUSTER_WAIT = 60.0

LOG_LEVEL = "INFO"
# On a terminal without -q, a progress line every this many seconds.
NEWSARCHIVE_PROGRESS_INTERVAL = 10.0
# A run ends with exit 1 when more than this share of its requests failed (--max-error-rate).
NEWSARCHIVE_MAX_ERROR_RATE = 0.10
FEED_EXPORT_ENCODING = "utf-8"

# -- crawling from archives ---------------------------------------------------------------
# `newsarchive crawl --from-archive PATH` sets NEWSARCHIVE_FROM_ARCHIVE: requests are then
# answered from those WARCs by canonical URL (nearest capture to ..._AT, default latest).
# The spiders install crawler.fromarchive.ArchiveDownloaderMiddleware when it is set.
NEWSARCHIVE_FROM_ARCHIVE_ENABLED = True
NEWSARCHIVE_FROM_ARCHIVE: list[str] = []
NEWSARCHIVE_FROM_ARCHIVE_AT = ""

# -- crawling the past through a public web archive ---------------------------------------
# `newsarchive crawl SPIDER --via ARCHIVE --at WHEN` sets NEWSARCHIVE_VIA: every request is
# answered by the archive's capture nearest NEWSARCHIVE_VIA_AT within the window
# (crawler/viaarchive.py). ARCHIVE: wayback, commoncrawl[:CRAWL], timegate:URL, timemap:URL,
# or the base URL of a pywb/OpenWayback collection (its CDX endpoint BASE/cdx, raw captures
# BASE/TSid_/URL).
NEWSARCHIVE_VIA_ENABLED = True
NEWSARCHIVE_VIA = ""
NEWSARCHIVE_VIA_AT = ""  # default: now
NEWSARCHIVE_VIA_WINDOW_DAYS = 30.0  # a capture further than this from --at is not_archived
NEWSARCHIVE_VIA_CONCURRENCY = 2  # requests at a time per archive host
NEWSARCHIVE_VIA_DELAY = 0.0  # seconds between requests to an archive host (AutoThrottle adapts)
NEWSARCHIVE_VIA_CACHE_ENABLED = True  # index lookups remembered across runs
NEWSARCHIVE_VIA_CACHE = ""  # default: DATA/state/archive-lookups.sqlite
NEWSARCHIVE_VIA_CDX_LIMIT = 100  # a CDX lookup asks for this many captures, nearest --at first
# The most answers one lookup reads: a paged TimeMap's pages, or the pages around --at of a
# CDX server that ignores sort=closest (its answer in time order).
NEWSARCHIVE_VIA_LOOKUP_PAGES = 10
# The most redirects of an archive's own (a capture moved to another timestamp, a TimeGate
# sending to another) followed for one capture; a URL met twice is a loop whatever the count.
NEWSARCHIVE_VIA_MAX_REDIRECTS = 10
NEWSARCHIVE_VIA_WAYBACK_URL = "https://web.archive.org"
NEWSARCHIVE_VIA_COMMONCRAWL_INDEX_URL = "https://index.commoncrawl.org"
NEWSARCHIVE_VIA_COMMONCRAWL_DATA_URL = "https://data.commoncrawl.org"

# An outlet whose first pages are all refused (401/403, challenge pages) is not asked again
# in the run; the report names --via (crawler/refusal.py).
NEWSARCHIVE_REFUSAL_ENABLED = True
NEWSARCHIVE_REFUSAL_AFTER = 3

# -- faults (see docs/faults.md) ------------------------------------------------------------
# A body cut by the connection is archived (WARC-Truncated) and counted, never extracted.
DOWNLOAD_FAIL_ON_DATALOSS = False
NEWSARCHIVE_ROBOTS_ENABLED = True
NEWSARCHIVE_ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: at least 500 KiB are read
NEWSARCHIVE_GUARDS_ENABLED = True
NEWSARCHIVE_GUARDS_MAX_URL_LENGTH = 2083
NEWSARCHIVE_GUARDS_PUBLIC_SITE = "auto"  # refuse private addresses when the site is public
NEWSARCHIVE_RETRY_ENABLED = True
NEWSARCHIVE_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each next one
NEWSARCHIVE_RETRY_MAX_DELAY = 120.0  # cap on any wait, Retry-After included
NEWSARCHIVE_LIMITS_ENABLED = True
NEWSARCHIVE_DECODING_ENABLED = True
NEWSARCHIVE_LIMITS_MAX_BYTES = 0  # 0: DOWNLOAD_MAXSIZE
NEWSARCHIVE_LIMITS_MAX_SECONDS = 0.0  # 0: 80% of DOWNLOAD_TIMEOUT


def __getattr__(name: str) -> Any:
    """``EXTENSIONS_BASE``, read from Scrapy's defaults on first use: importing Scrapy costs
    a fifth of a CPU second, which a replay that only reads the defaults here need not pay."""
    if name == "EXTENSIONS_BASE":
        from scrapy.settings import default_settings

        return {
            extension: order
            for extension, order in default_settings.EXTENSIONS_BASE.items()
            if extension != "scrapy.extensions.remote_control.RemoteControl"
        }
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The settings Scrapy reads (``Settings.setmodule`` lists them with ``dir()``)."""
    return sorted([*globals(), "EXTENSIONS_BASE"])

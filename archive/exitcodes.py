"""Exit codes of the newsarchive command, documented in ``--help`` and the README."""

OK = 0  # the run completed
ERRORS = 1  # completed, but with errors above the threshold (or nothing could be reached)
USAGE = 2  # bad arguments or configuration
CRASH = 70  # an internal error (EX_SOFTWARE)
DISK_FULL = 74  # the data directory's disk filled up: stopped cleanly, resumable (EX_IOERR)
LOCKED = 75  # another run holds the data directory (EX_TEMPFAIL)
SIGNALLED = 128  # + the signal number: stopped by SIGINT (130) or SIGTERM (143), resumable

EPILOG = (
    "exit codes: 0 completed; 1 completed with errors above the threshold or no site "
    "reachable (--max-error-rate); 2 usage or configuration error; 70 internal error (a "
    "crash); 74 the data directory's disk is full (stopped cleanly; with space, the next "
    "run continues); 75 another run holds the data directory, or the shared state (--state) "
    "cannot be reached or was lost (the next run resumes); 130/143 stopped by SIGINT/SIGTERM "
    "(the next run resumes)"
)

"""Exit codes of the newsarchive command, documented in ``--help`` and the README."""

import errno

OK = 0  # the run completed
ERRORS = 1  # completed, but with errors above the threshold (or nothing could be reached)
USAGE = 2  # bad arguments or configuration
NO_INPUT = 66  # the system refuses to let us read an input file (EX_NOINPUT)
CRASH = 70  # an internal error (EX_SOFTWARE)
CANT_CREATE = 73  # the system refuses to let us write a path: a read-only disk (EX_CANTCREAT)
DISK_FULL = 74  # the data directory's disk filled up: stopped cleanly, resumable (EX_IOERR)
LOCKED = 75  # another run holds the data directory (EX_TEMPFAIL)

# What the system gives when it refuses us a path: a read-only disk, a folder or file of
# another user's. Not a usage error: the same command works once the path is ours.
REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM)

SIGNALLED = 128  # + the signal number: stopped by SIGINT (130) or SIGTERM (143), resumable

EPILOG = (
    "exit codes: 0 completed; 1 completed with errors above the threshold or no site "
    "reachable (--max-error-rate); 2 usage or configuration error; 66 an input file the "
    "system does not let us read; 70 internal error (a crash); 73 a path the system does "
    "not let us write (a read-only disk, another user's folder); 74 the data directory's "
    "disk is full (stopped cleanly; with space, the next run continues); 75 another run "
    "holds the data directory, or the shared state (--state) cannot be reached or was lost "
    "(the next run resumes); 130/143 stopped by SIGINT/SIGTERM (the next run resumes)"
)

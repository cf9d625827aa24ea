"""Where WARC records come from: files, folders and ``.wacz`` packages, opened by path.

A :class:`Source` names one WARC file (or one WARC inside a WACZ) in a form that
pickles, so worker processes can reopen it and seek to a record by its offset.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.open", ".warc.gz.open")
OPEN_SUFFIX = ".open"


@dataclass(frozen=True)
class Source:
    """One WARC file: `path` on disk, or `member` of the ``.wacz`` at `path`."""

    path: str
    member: str | None = None

    @property
    def name(self) -> str:
        """The WARC file's name as provenance states it (``.open`` dropped: the final name)."""
        name = os.path.basename(self.member or self.path)
        return name[: -len(OPEN_SUFFIX)] if name.endswith(OPEN_SUFFIX) else name

    @property
    def label(self) -> str:
        """How problems name the file: the path, plus the member of a WACZ."""
        return f"{self.path}#{self.member}" if self.member else self.path

    @property
    def gzipped(self) -> bool:
        return ".gz" in os.path.basename(self.member or self.path)[-12:]

    def size(self) -> int:
        if self.member is None:
            return os.path.getsize(self.path)
        with zipfile.ZipFile(self.path) as package:
            return package.getinfo(self.member).file_size

    def open(self) -> IO[bytes]:
        """A seekable binary stream of the WARC's bytes."""
        if self.member is None:
            return open(self.path, "rb")
        package = zipfile.ZipFile(self.path)
        stream = package.open(self.member)
        return cast(IO[bytes], _MemberStream(package, stream))


class _MemberStream:
    """A WACZ member that also closes its zip file (members are stored, so seeks are cheap)."""

    def __init__(self, package: zipfile.ZipFile, stream: IO[bytes]):
        self._package = package
        self._stream = stream

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __enter__(self) -> _MemberStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._stream.readline(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self._stream.close()
        self._package.close()


def is_warc_name(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def wacz_sources(path: Path) -> list[Source]:
    """The WARC files packed in a WACZ (under ``archive/``), in name order."""
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.startswith("archive/") and is_warc_name(n)]
    return [Source(str(path), member) for member in sorted(names)]


def find_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Every WARC under the given files and folders, each folder's files in name order,
    each file once however it is named.

    A file named explicitly is read whatever its name (a non-WARC is then reported by the
    reader); in folders only WARC and WACZ names are taken. Raises FileNotFoundError.
    """
    found: list[Source] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(_walk(path)):
                found.extend(_sources_of(child))
        elif path.exists():
            found.extend(_sources_of(path))
        else:
            raise FileNotFoundError(str(path))
    # One archive named twice (a relative and an absolute path, a link) is read once.
    unique: dict[tuple[str, str | None], Source] = {}
    for source in found:
        unique.setdefault((os.path.realpath(source.path), source.member), source)
    return list(unique.values())


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            if is_warc_name(name) or name.lower().endswith(".wacz"):
                yield Path(root) / name


def _sources_of(path: Path) -> list[Source]:
    if path.name.lower().endswith(".wacz") and zipfile.is_zipfile(path):
        return wacz_sources(path)
    return [Source(str(path))]


def index_files(sources: Iterable[Source]) -> list[tuple[Source | None, Path]]:
    """CDXJ indexes next to the sources: ``index.cdxj`` in a WARC's folder, a WACZ's indexes."""
    seen: set[str] = set()
    found: list[tuple[Source | None, Path]] = []
    for source in sources:
        if source.member is not None:
            key = source.path + "#indexes"
            if key not in seen:
                seen.add(key)
                with zipfile.ZipFile(source.path) as package:
                    for name in package.namelist():
                        if name.startswith("indexes/") and name.endswith((".cdxj", ".cdx")):
                            found.append((Source(source.path, name), Path(source.path)))
            continue
        folder = Path(source.path).parent
        candidate = folder / "index.cdxj"
        if str(candidate) not in seen and candidate.is_file():
            seen.add(str(candidate))
            found.append((None, candidate))
    return found

"""An exhibition as the files of a data folder, kept in memory: zip in and out, checked.

A `Files` mapping (relative path with '/' -> bytes) is what the editor stores for a draft and
for each published version. It is the data folder itself, not a second format: `check` writes
it to a temporary folder and loads it with `dashboard.catalog.load` (the same models, the same
validator as `python -m dashboard validate`), and `to_zip` / `from_zip` turn it into the zip
that `export` hands out. The zip is deterministic (sorted names, fixed time stamps, fixed
permissions), so exporting, importing and exporting again gives the same bytes.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from dashboard import catalog as cat
from dashboard import settings
from dashboard.errors import DataError, Problem, shown

Files = dict[str, bytes]

# What a data folder may hold. Anything else in an uploaded zip (a .DS_Store, __MACOSX/, a
# script) is left out with a notice rather than stored and served.
_ALLOWED = re.compile(
    r"^(exhibits\.yaml|cities\.yaml|programme\.yaml|README(\.md|\.txt)?|LICENSE(\.md|\.txt)?"
    r"|geo/[a-z]+\.geojson|geo/README(\.md)?|images/[A-Za-z0-9._/-]+\.(png|jpe?g|webp))$",
    re.IGNORECASE,
)
MAX_FILES = 2_000
MAX_TOTAL_BYTES = 200_000_000  # a whole exhibition with its photos
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the bytes


class BundleError(ValueError):
    """A zip or folder that cannot become an exhibition; the message says what to do."""


def to_zip(files: Mapping[str, bytes]) -> bytes:
    """The files as a zip, the same bytes for the same files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


def from_zip(data: bytes) -> tuple[Files, list[str]]:
    """The data folder inside a zip (also one wrapped in a single top folder), and notices
    about files left out; BundleError for a zip that is not one or holds no data folder."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BundleError("the file is not a zip archive; export the data folder as .zip") \
            from None
    limit = settings.max_data_file_bytes()
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > MAX_FILES:
            raise BundleError(f"the zip holds {len(entries):,} files; at most {MAX_FILES:,}")
        names = [i.filename for i in entries]
        prefix = _common_folder(names)
        files: Files = {}
        notices: list[str] = []
        total = 0
        for info in entries:
            name = info.filename[len(prefix):]
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                notices.append(f"left out {shown(name)}: a symbolic link")
                continue
            if not _ALLOWED.match(name) or ".." in PurePosixPath(name).parts:
                notices.append(f"left out {shown(name)}: not part of a data folder")
                continue
            if info.file_size > limit:
                raise BundleError(f"{shown(name)} is {info.file_size / 1e6:,.1f} MB; at most "
                                  f"{limit / 1e6:g} MB per file (LERNREISE_MAX_DATA_FILE_MB)")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise BundleError(f"the zip unpacks to more than {MAX_TOTAL_BYTES / 1e6:g} MB")
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise BundleError(f"{shown(name)} cannot be unpacked ({exc})") from None
            if len(content) > limit:  # a header that lied about the size
                raise BundleError(f"{shown(name)} is larger than its zip entry says")
            files[name] = content
    if cat.EXHIBITS_FILE not in files:
        raise BundleError("the zip has no exhibits.yaml: zip the data folder itself (the one "
                          "with exhibits.yaml, cities.yaml and geo/)")
    return files, notices


def _common_folder(names: list[str]) -> str:
    """'mini/' when every name starts with that one folder (a zipped folder), else ''."""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        top = tops.pop()
        if f"{top}/{cat.EXHIBITS_FILE}" in names:
            return f"{top}/"
    return ""


def from_folder(folder: Path) -> Files:
    """The files of a data folder on disk (only what a data folder holds)."""
    files: Files = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and _ALLOWED.match(name):
            files[name] = path.read_bytes()
    return files


def write_folder(files: Mapping[str, bytes], folder: Path) -> None:
    """Write the files below `folder` (which must exist and be empty or new)."""
    for name, content in files.items():
        target = folder / name
        if not target.resolve().is_relative_to(folder.resolve()):
            raise BundleError(f"{shown(name)} would be written outside the folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


@contextmanager
def as_folder(files: Mapping[str, bytes]) -> Iterator[Path]:
    """The files written to a temporary data folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="lernreise-check-") as scratch:
        folder = Path(scratch) / "data"
        folder.mkdir()
        write_folder(files, folder)
        yield folder


def relabel(problem: Problem, folder: Path) -> Problem:
    """The problem with the temporary folder cut from its file name ('exhibits.yaml')."""
    prefix = str(folder) + "/"
    text = problem.message.replace(prefix, "")
    file = problem.file.removeprefix(prefix) if problem.file != str(folder) else "."
    return Problem(file, text, problem.item, problem.field)


def check(files: Mapping[str, bytes]) -> list[Problem]:
    """Every problem `python -m dashboard validate` would report for these files."""
    with as_folder(files) as folder:
        try:
            cat.load(folder)
        except DataError as exc:
            return [relabel(p, folder) for p in exc.problems]
    return []

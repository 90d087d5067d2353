"""Which exhibition the app serves: the data folder, or a version published in the editor.

LERNREISE_EXHIBITION empty (the default): the folder of LERNREISE_DATA_DIR (the bundled BUGA
folder unless set), as always. `ID`: the newest published version of exhibition ID in the
database; `ID@N`: version N (a trip pinned to what it was planned on).

A published version is unpacked once into a folder named by its SHA-256 under the system's
temporary folder, and loaded from there by `dashboard.catalog.load` like any data folder, so
nothing downstream knows where it came from. The folder is written under a temporary name
and renamed when complete: replicas and sessions that start at once never see half a folder,
and a version is immutable, so a folder once complete never changes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from dashboard import settings
from dashboard.editor import bundle

SETTING = "LERNREISE_EXHIBITION"
_COMPLETE = ".complete"


class ServingError(ValueError):
    """LERNREISE_EXHIBITION names something the database does not have, or is malformed."""


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "lernreise-exhibitions"


def parse(value: str) -> tuple[str, int | None] | None:
    """('buga', None) for 'buga', ('buga', 3) for 'buga@3', None for ''."""
    value = value.strip()
    if not value:
        return None
    ident, _, number = value.partition("@")
    if number and not number.isdigit():
        raise ServingError(f"{SETTING} must be an exhibition id or ID@VERSION, got "
                           f"{value[:60]!r}")
    return ident.strip(), int(number) if number else None


def unpack(sha256: str, content: bytes, root: Path | None = None) -> Path:
    """The folder of a version's zip (made once, atomically)."""
    root = root or cache_root()
    folder = root / sha256
    if (folder / _COMPLETE).is_file():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    files, _ = bundle.from_zip(content)
    scratch = Path(tempfile.mkdtemp(prefix=f".{sha256[:12]}-", dir=root))
    try:
        bundle.write_folder(files, scratch)
        (scratch / _COMPLETE).write_text(sha256)
        try:
            os.replace(scratch, folder)
        except OSError:  # another process finished first: use its folder
            if not (folder / _COMPLETE).is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def published_folder(exhibition_id: str, number: int | None = None,
                     url: str | None = None) -> Path:
    """The data folder of a published version (default: the newest)."""
    from dashboard.store.exhibitions import ExhibitionStore, UnknownExhibition

    store = ExhibitionStore(url or settings.get("LERNREISE_DATABASE_URL"))
    try:
        _, sha, content = store.published(exhibition_id, number)
    except UnknownExhibition as exc:
        raise ServingError(f"{SETTING}: {exc} (publish it in the editor first)") from None
    finally:
        store.dispose()
    return unpack(sha, content)


def data_dir() -> Path:
    """The folder the app loads: LERNREISE_EXHIBITION's published version, else the folder."""
    wanted = parse(settings.get(SETTING))
    if wanted is None:
        return settings.data_dir()
    return published_folder(*wanted)

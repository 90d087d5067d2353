"""Every setting in one table: read from an environment variable or .streamlit/secrets.toml.

The README documents each one; tests/test_docs.py fails when one is undocumented.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "LERNREISE_DATA_DIR",
        str(PROJECT_ROOT / "data"),
        "Folder with exhibits.yaml, cities.yaml and geo/: the exhibition that is loaded.",
    ),
    Setting(
        "LERNREISE_EXHIBITION",
        "",
        "Serve an exhibition published in the editor instead of LERNREISE_DATA_DIR: its id "
        "(the newest version) or ID@N (version N); empty: the data folder.",
    ),
    Setting(
        "LERNREISE_DATABASE_URL",
        "sqlite:///" + str(PROJECT_ROOT / "var" / "lernreise.sqlite3"),
        "SQLAlchemy URL of the database for tours and notes (SQLite file by default).",
    ),
    Setting(
        "LERNREISE_BASE_URL",
        "http://localhost:8501",
        "Public address of the app, used in share links and QR codes of saved tours.",
    ),
    Setting(
        "LERNREISE_LANGUAGE",
        "de",
        "Language the app starts in when the URL does not say (de or en).",
    ),
    Setting(
        "LERNREISE_BASEMAP",
        "offline",
        "Base map the map starts with: offline (the site's own geometry, no tile server) "
        "or osm (OpenStreetMap tiles, needs internet).",
    ),
    Setting(
        "LERNREISE_MAX_DATA_FILE_MB",
        "20",
        "Largest data file (YAML or GeoJSON) that is read, in megabytes; a bigger file is "
        "reported as a data problem instead of being loaded.",
    ),
    Setting(
        "LERNREISE_ROLES_FILE",
        "",
        "YAML file mapping e-mail addresses to roles and cities (navigator of a city, guide, "
        "admin) for people signed in with st.login; empty: roles only from the sign-in claim.",
    ),
    Setting(
        "LERNREISE_VISITOR_IDLE_MINUTES",
        "0",
        "Kiosk tablets: after this many minutes without a touch the visitor page returns to "
        "the tour's first stop (0 = never; fractions allowed).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _secrets(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def get(name: str, secrets_file: Path | None = None) -> str:
    """The value of a setting: environment first, then secrets.toml, then the default."""
    setting = _BY_NAME[name]
    if value := os.environ.get(name):
        return value
    secrets = _secrets(secrets_file or Path.cwd() / ".streamlit" / "secrets.toml")
    if name in secrets:
        return str(secrets[name])
    return setting.default


def data_dir() -> Path:
    return Path(get("LERNREISE_DATA_DIR"))


def max_data_file_bytes() -> int:
    """LERNREISE_MAX_DATA_FILE_MB in bytes; ValueError with a readable message if malformed."""
    raw = get("LERNREISE_MAX_DATA_FILE_MB")
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1e6:  # also false for NaN
        raise ValueError(f"LERNREISE_MAX_DATA_FILE_MB must be a number of megabytes between 0 "
                         f"and 1,000,000, got {raw[:40]!r}")
    return int(megabytes * 1_000_000)


MAX_IDLE_MINUTES = 24 * 60


def visitor_idle_minutes() -> float:
    """LERNREISE_VISITOR_IDLE_MINUTES as minutes (0 = off); ValueError with a readable message
    if it is not a number from 0 to a day."""
    raw = get("LERNREISE_VISITOR_IDLE_MINUTES")
    try:
        minutes = float(raw)
    except ValueError:
        minutes = float("nan")
    if not 0 <= minutes <= MAX_IDLE_MINUTES:  # also false for NaN
        raise ValueError(f"LERNREISE_VISITOR_IDLE_MINUTES must be a number of minutes from 0 "
                         f"(off) to {MAX_IDLE_MINUTES}, got {raw[:40]!r}")
    return minutes

"""User-interface strings in German and English. Content texts live in the data folder."""

from __future__ import annotations

LANGUAGES = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "de"

STRINGS: dict[str, dict[str, str]] = {
    "language": {"de": "Sprache", "en": "Language"},
    "page.map": {"de": "Karte", "en": "Map"},
    "app.title": {"de": "Lernreise", "en": "Study trip"},
    "data_error.title": {
        "de": "Die Ausstellungsdaten enthalten Fehler",
        "en": "The exhibition data has problems",
    },
    "data_error.intro": {
        "de": "Lernreise kann den Datenordner {folder} nicht verwenden. "
        "Bitte diese {count} Punkte korrigieren und die Seite neu laden:",
        "en": "Lernreise cannot use the data folder {folder}. "
        "Please fix these {count} points and reload the page:",
    },
    "bad_param": {
        "de": "Der Link enthält einen ungültigen Wert für „{name}“: {value}. "
        "Er wurde ignoriert.",
        "en": "The link has an invalid value for “{name}”: {value}. It was ignored.",
    },
    "filters": {"de": "Filter", "en": "Filters"},
    "filter.category": {"de": "Kategorie", "en": "Category"},
    "filter.zone": {"de": "Bereich", "en": "Zone"},
    "filter.department": {"de": "Fachbereich", "en": "Department"},
    "filter.step_free": {"de": "Nur stufenlos erreichbar", "en": "Step-free only"},
    "filter.search": {"de": "Suche", "en": "Search"},
    "filter.search_hint": {
        "de": "Name oder Beschreibung, z. B. Holz",
        "en": "Name or description, e.g. timber",
    },
    "filter.all": {"de": "alle", "en": "all"},
    "filter.reset": {"de": "Filter zurücksetzen", "en": "Reset filters"},
    "count": {
        "de": "{shown} von {total} Exponaten",
        "en": "{shown} of {total} exhibits",
    },
    "empty": {
        "de": "Kein Exponat passt zu diesen Filtern. Filter lockern oder zurücksetzen.",
        "en": "No exhibit matches these filters. Loosen or reset them.",
    },
    "basemap": {"de": "Grundkarte", "en": "Base map"},
    "basemap.offline": {"de": "Offline (Geländeplan)", "en": "Offline (site plan)"},
    "basemap.osm": {"de": "OpenStreetMap (Internet)", "en": "OpenStreetMap (internet)"},
    "basemap.osm_note": {
        "de": "Ohne Internet bleibt der Hintergrund leer; dann „Offline“ wählen.",
        "en": "Without internet the background stays empty; choose “Offline” then.",
    },
    "map.title": {"de": "Karte der Exponate", "en": "Map of the exhibits"},
    "map.legend": {"de": "Kategorien", "en": "Categories"},
    "map.layer.site": {"de": "Gelände", "en": "Site"},
    "map.layer.zones": {"de": "Bereiche", "en": "Zones"},
    "map.layer.water": {"de": "Wasser", "en": "Water"},
    "map.layer.paths": {"de": "Wege", "en": "Paths"},
    "map.layer.buildings": {"de": "Gebäude", "en": "Buildings"},
    "map.layer.exhibits": {"de": "Exponate", "en": "Exhibits"},
    "map.stairs": {"de": "Treppe / nicht stufenlos", "en": "Stairs / not step-free"},
    "pick": {"de": "Exponat", "en": "Exhibit"},
    "pick.none": {"de": "— Exponat wählen —", "en": "— choose an exhibit —"},
    "pick.hint": {
        "de": "Ein Exponat auf der Karte antippen oder oben in der Liste wählen.",
        "en": "Tap an exhibit on the map or choose it from the list above.",
    },
    "unknown_exhibit": {
        "de": "Ein Exponat mit der Kennung „{id}“ gibt es in dieser Ausstellung nicht. "
        "Vielleicht ist der Link veraltet.",
        "en": "This exhibition has no exhibit with the id “{id}”. The link may be out of date.",
    },
    "detail.facts": {"de": "Fakten", "en": "Key facts"},
    "detail.departments": {"de": "Relevant für", "en": "Relevant for"},
    "detail.notes": {"de": "Hinweise für {city}", "en": "Notes for {city}"},
    "detail.no_notes": {
        "de": "Noch keine Hinweise für {city}.",
        "en": "No notes for {city} yet.",
    },
    "detail.sources": {"de": "Quellen", "en": "Sources"},
    "detail.visit": {"de": "Besuchsdauer", "en": "Visit"},
    "detail.minutes": {"de": "{n} Min.", "en": "{n} min"},
    "detail.step_free": {"de": "Stufenlos", "en": "Step-free"},
    "detail.yes": {"de": "ja", "en": "yes"},
    "detail.no": {"de": "nein", "en": "no"},
    "detail.zone": {"de": "Bereich", "en": "Zone"},
    "detail.category": {"de": "Kategorie", "en": "Category"},
    "detail.hours": {"de": "Geöffnet", "en": "Open"},
    "detail.shows": {"de": "Vorführungen", "en": "Shows"},
    "detail.link": {"de": "Link zu diesem Exponat", "en": "Link to this exhibit"},
    "overview.title": {"de": "3D-Übersicht", "en": "3D overview"},
    "overview.caption": {
        "de": "Gebäude nach Höhe, Exponate als Säulen in der Farbe ihrer Kategorie. "
        "Ziehen zum Drehen (rechte Maustaste oder zwei Finger).",
        "en": "Buildings by height, exhibits as columns in their category's colour. "
        "Drag to rotate (right mouse button or two fingers).",
    },
    "city": {"de": "Besuchende Stadt", "en": "Visiting city"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The UI string for key in lang (German if lang is unknown), formatted with values."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def normalize_language(value: object) -> str | None:
    """A supported language code, or None for anything else (e.g. from a URL)."""
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    return None

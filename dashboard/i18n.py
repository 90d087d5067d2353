"""User-interface strings in German and English. Content texts live in the data folder."""

from __future__ import annotations

import functools
from collections.abc import Callable

from babel import Locale
from babel.numbers import format_decimal

LANGUAGES = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "de"

STRINGS: dict[str, dict[str, str]] = {
    "page.map": {"de": "Karte", "en": "Map"},
    "loading": {"de": "Lade die Ausstellung …", "en": "Loading the exhibition …"},
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
        "de": "Der Link enthält einen ungültigen Wert für „{name}“: „{value}“. "
        "Er wurde ignoriert.",
        "en": "The link has an invalid value for “{name}”: “{value}”. It was ignored.",
    },
    "filters": {"de": "Filter", "en": "Filters"},
    "filter.category": {"de": "Kategorie", "en": "Category"},
    "filter.zone": {"de": "Bereich", "en": "Zone"},
    "filter.department": {"de": "Fachbereich", "en": "Department"},  # every page's word for it
    "filter.step_free": {"de": "Nur stufenlos erreichbar", "en": "Step-free only"},
    "filter.search": {"de": "Suche", "en": "Search"},
    "filter.search_hint": {
        "de": "Name oder Beschreibung, z. B. {example}",
        "en": "Name or description, e.g. {example}",
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
    "basemap.tiles_failed": {
        "de": "Die OpenStreetMap-Kacheln laden nicht (kein Internet?). Unter der Karte "
        "„Offline (Geländeplan)“ wählen.",
        "en": "OpenStreetMap tiles do not load (no internet?). Choose “Offline (site plan)” "
        "below the map.",
    },
    "map.title": {"de": "Karte der Exponate", "en": "Map of the exhibits"},
    "map.legend": {"de": "Kategorien", "en": "Categories"},
    "map.layer.site": {"de": "Gelände", "en": "Site"},
    "map.layer.zones": {"de": "Bereiche", "en": "Zones"},
    "map.layer.water": {"de": "Wasser", "en": "Water"},
    "map.layer.paths": {"de": "Wege", "en": "Paths"},
    "map.layer.buildings": {"de": "Gebäude", "en": "Buildings"},
    "map.layer.exhibits": {"de": "Exponate", "en": "Exhibits"},
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
    "detail.step_free": {"de": "Stufenlos", "en": "Step-free"},
    "detail.yes": {"de": "ja", "en": "yes"},
    "detail.no": {"de": "nein", "en": "no"},
    "detail.zone": {"de": "Bereich", "en": "Zone"},
    "detail.category": {"de": "Kategorie", "en": "Category"},
    "detail.hours": {"de": "Geöffnet", "en": "Open"},
    "detail.shows": {"de": "Vorführungen", "en": "Shows"},
    "detail.on_show": {"de": "Nur zu sehen", "en": "Only on show"},
    "detail.kind_topic": {
        "de": "Hintergrundthema: ein Konzept oder Verfahren, kein eigenes Ausstellungsstück.",
        "en": "Background topic: a concept or procedure, not an exhibit of its own.",
    },
    "detail.location_approximate": {
        "de": "Der Punkt auf der Karte ist geschätzt: keine Quelle nennt den genauen Ort.",
        "en": "The point on the map is an estimate: no source gives the exact spot.",
    },
    "overview.title": {"de": "3D-Übersicht", "en": "3D overview"},
    "overview.show": {"de": "3D-Übersicht zeigen", "en": "Show the 3D overview"},
    "overview.closed": {
        "de": "Die 3D-Ansicht lädt etwa 3 MB nach, erst wenn Sie sie öffnen.",
        "en": "The 3D view loads about 3 MB more, only once you open it.",
    },
    "overview.caption": {
        "de": "Gebäude nach Höhe, Exponate als Säulen in der Farbe ihrer Kategorie. "
        "Ziehen zum Drehen (rechte Maustaste oder zwei Finger).",
        "en": "Buildings by height, exhibits as columns in their category's colour. "
        "Drag to rotate (right mouse button or two fingers).",
    },
    "city": {"de": "Besuchende Stadt", "en": "Visiting city"},
    "page.planner": {"de": "Tourplaner", "en": "Tour planner"},
    "planner.title": {"de": "Tour planen", "en": "Plan a tour"},
    "planner.stops": {"de": "Stationen", "en": "Stops"},
    "planner.stops_help": {
        "de": "Exponate suchen und hinzufügen, oder auf der Karte antippen.",
        "en": "Search and add exhibits, or tap them on the map.",
    },
    "planner.empty": {
        "de": "Noch keine Stationen. Exponate oben wählen, auf der Karte antippen "
        "oder einen Vorschlag übernehmen.",
        "en": "No stops yet. Choose exhibits above, tap them on the map or take a suggestion.",
    },
    "planner.up_named": {"de": "{name} nach oben", "en": "Move {name} up"},
    "planner.down_named": {"de": "{name} nach unten", "en": "Move {name} down"},
    "planner.remove_named": {"de": "{name} aus der Tour nehmen",
                             "en": "Remove {name} from the tour"},
    "planner.add_named": {"de": "{name} zur Tour hinzufügen", "en": "Add {name} to the tour"},
    "planner.add_hint": {"de": "Exponat suchen, z. B. {example}",
                         "en": "Search an exhibit, e.g. {example}"},
    "planner.tap_hint": {
        "de": "Einen Punkt auf der Karte antippen, um zu sehen, was es ist.",
        "en": "Tap a marker on the map to see what it is.",
    },
    "planner.undo": {"de": "Rückgängig", "en": "Undo"},
    "planner.suggested": {"de": "Vorschlag mit {n} Stationen übernommen.",
                          "en": "Took a suggestion with {n} stops."},
    "planner.budget_set": {
        "de": "Zeitbudget auf {minutes} gesetzt (Einstellungen; „Rückgängig“ nimmt es zurück).",
        "en": "Time budget set to {minutes} (Settings; “Undo” takes it back).",
    },
    "planner.settings_summary": {"de": "{date}, {time} Uhr, {speed}",
                                 "en": "{date}, {time}, {speed}"},
    "planner.budget_summary": {"de": "Zeitbudget {minutes}", "en": "time budget {minutes}"},
    "planner.no_budget": {"de": "kein Zeitbudget", "en": "no time budget"},
    "planner.store_down": {
        "de": "Touren können gerade nicht gespeichert oder geöffnet werden. Die geplante Tour "
        "bleibt in diesem Fenster erhalten; bitte später noch einmal versuchen.",
        "en": "Tours cannot be saved or opened right now. The tour planned here stays in this "
        "window; please try again later.",
    },
    "planner.save_new_version": {"de": "Als neue Fassung speichern", "en": "Save as new version"},
    "planner.link_is_old": {
        "de": "Die Tour wurde nach dem Speichern geändert. Link und QR-Code zeigen die "
        "gespeicherte Fassung {id} ohne diese Änderungen; „Als neue Fassung speichern“ "
        "erzeugt einen neuen Link.",
        "en": "The tour was changed after saving. The link and QR code show the saved version "
        "{id} without these changes; “Save as new version” makes a new link.",
    },
    "planner.date_outside": {
        "de": "Der {date} liegt außerhalb der Ausstellung ({dates}).",
        "en": "{date} is outside the exhibition ({dates}).",
    },
    "planner.exhibition_dates": {"de": "geöffnet {first} bis {last}",
                                 "en": "open {first} to {last}"},
    "planner.optimize": {"de": "Reihenfolge optimieren", "en": "Optimise order"},
    "planner.optimizing": {"de": "Suche die kürzeste Reihenfolge …",
                           "en": "Looking for the shortest order …"},
    "planner.optimized": {
        "de": "Reihenfolge optimiert: {before} → {after} zu Fuß.",
        "en": "Order optimised: {before} → {after} of walking.",
    },
    "planner.left_out_short": {
        "de": "{n} Stationen passen nicht ins Zeitbudget von {minutes} und wurden weggelassen.",
        "en": "{n} stops do not fit the time budget of {minutes} and were left out.",
    },
    "planner.left_out": {
        "de": "Nicht im Zeitbudget von {minutes}, weggelassen ({n}): {names}",
        "en": "Left out, over the time budget of {minutes} ({n}): {names}",
    },
    "planner.put_back": {"de": "Wieder aufnehmen ({n}) und Zeitbudget aufheben",
                         "en": "Put back ({n}) and drop the time budget"},
    "planner.settings": {"de": "Einstellungen", "en": "Settings"},
    "planner.start": {"de": "Start", "en": "Start"},
    # A tour's start and end as marks on maps and tables and as words (presentation.py).
    "stop.mark.start": {"de": "S", "en": "S"},
    "stop.mark.end": {"de": "Z", "en": "E"},
    "stop.role.start": {"de": "Start", "en": "Start"},
    "stop.role.end": {"de": "Ziel", "en": "End"},
    "planner.end": {"de": "Ziel", "en": "End"},
    "planner.same_as_start": {"de": "wie Start (Rundgang)", "en": "same as start (round trip)"},
    "planner.date": {"de": "Datum", "en": "Date"},
    "planner.start_time": {"de": "Startzeit", "en": "Start time"},
    "planner.speed": {"de": "Gehtempo (km/h)", "en": "Walking speed (km/h)"},
    "planner.speed_help": {
        "de": "Etwa 4 km/h allein, 3 km/h für Gruppen.",
        "en": "About 4 km/h alone, 3 km/h for groups.",
    },
    "planner.step_free": {"de": "Nur stufenlose Wege", "en": "Step-free paths only"},
    "planner.budget": {"de": "Zeitbudget (Minuten, 0 = keins)",
                       "en": "Time budget (minutes, 0 = none)"},
    "planner.must_see": {"de": "Pflichtstationen (nie weglassen)",
                         "en": "Must see (never left out)"},
    "planner.must_see_help": {
        "de": "Weder das Zeitbudget noch eine Umplanung während der Führung lässt sie weg.",
        "en": "Neither the time budget nor a re-plan while leading the tour leaves them out."},
    "planner.rank_by": {"de": "Bei Zeitmangel zuerst weglassen", "en": "When time is short, drop"},
    "planner.rank.priority": {"de": "die unwichtigsten Exponate",
                              "en": "the least important exhibits"},
    "planner.rank.order": {"de": "die letzten der Liste", "en": "the last ones in the list"},
    "planner.suggest": {"de": "Tour vorschlagen", "en": "Suggest a tour"},
    "planner.suggest_theme": {"de": "Thema", "en": "Theme"},
    "planner.suggest_any": {"de": "alle", "en": "any"},
    "planner.suggest_budget": {"de": "Dauer (Minuten)", "en": "Duration (minutes)"},
    "planner.suggest_go": {"de": "Vorschlag übernehmen", "en": "Use suggestion"},
    "planner.suggest_none": {
        "de": "Kein Exponat passt zu Thema und Fachbereich.",
        "en": "No exhibit matches that theme and department.",
    },
    "planner.route": {"de": "Route", "en": "Route"},
    "planner.schedule": {"de": "Zeitplan", "en": "Schedule"},
    "planner.timeline": {"de": "Zeitleiste", "en": "Timeline"},
    "planner.walk": {"de": "Gehen", "en": "Walk"},
    "col.number": {"de": "Nr.", "en": "No."},
    "col.name": {"de": "Station", "en": "Stop"},
    "col.arrival": {"de": "Ankunft", "en": "Arrival"},
    "col.begin": {"de": "Beginn", "en": "Begins"},
    "col.departure": {"de": "Weiter", "en": "Leaves"},
    "col.wait": {"de": "Warten (Min.)", "en": "Wait (min)"},
    "col.visit": {"de": "Besuch (Min.)", "en": "Visit (min)"},
    "col.walk": {"de": "Weg (Min.)", "en": "Walk (min)"},
    "col.walk_m": {"de": "Weg (m)", "en": "Walk (m)"},
    "planner.visit": {"de": "Besuch", "en": "Visit"},
    "planner.wait": {"de": "Warten", "en": "Wait"},
    "planner.distance": {"de": "Gehstrecke", "en": "Walking"},
    "planner.walking_time": {"de": "Gehzeit", "en": "Walking time"},
    "planner.duration": {"de": "Dauer", "en": "Duration"},
    "planner.ends": {"de": "Ende", "en": "Ends"},
    "planner.save": {"de": "Speichern und teilen", "en": "Save and share"},
    "planner.tour_title": {"de": "Titel der Tour", "en": "Tour title"},
    "planner.save_button": {"de": "Tour speichern", "en": "Save tour"},
    "planner.saved": {"de": "Gespeichert als {id}.", "en": "Saved as {id}."},
    "planner.sign_in_first": {
        "de": "Nur angemeldete Tourleitungen dürfen Touren speichern: bitte anmelden.",
        "en": "Only a signed-in guide may save tours: please sign in."},
    "planner.share_link": {"de": "Link zum Teilen", "en": "Share link"},
    "planner.copy_link": {"de": "Link kopieren", "en": "Copy link"},
    "planner.copied": {"de": "Kopiert.", "en": "Copied."},
    "planner.copy_failed": {"de": "Kopieren ging nicht; bitte den Link lang antippen.",
                            "en": "Could not copy; please long-press the link."},
    "planner.qr_caption": {"de": "QR-Code zur Tour {id}", "en": "QR code of the tour {id}"},
    "planner.qr_alt": {"de": "QR-Code, der diese Tour öffnet: {url}",
                       "en": "QR code that opens this tour: {url}"},
    "planner.exports": {"de": "Mitnehmen", "en": "Hand-outs"},
    "planner.gmaps": {"de": "In Google Maps öffnen", "en": "Open in Google Maps"},
    "planner.gmaps_omitted": {
        "de": "Google Maps nimmt höchstens 9 Zwischenstopps: {n} fehlen im Link.",
        "en": "Google Maps takes at most 9 waypoints: {n} are left out of the link.",
    },
    "planner.wrong_exhibition": {
        "de": "Die Tour „{id}“ gehört zur Ausstellung „{exhibition}“, nicht zu der, die diese "
        "App zeigt. Hier kann eine neue geplant werden.",
        "en": "The tour “{id}” belongs to the exhibition “{exhibition}”, not to the one this "
        "app shows. Plan a new one here.",
    },
    "planner.corrupt_tour": {
        "de": "Die gespeicherte Tour „{id}“ ist beschädigt und kann nicht geöffnet werden.",
        "en": "The saved tour “{id}” is damaged and cannot be opened.",
    },
    "planner.invalid_tour": {
        "de": "Die Tour kann so nicht gespeichert werden: {error}",
        "en": "The tour cannot be saved like this: {error}",
    },
    "planner.bad_tour": {
        "de": "Eine Tour „{id}“ gibt es nicht (mehr). Hier kann eine neue geplant werden.",
        "en": "There is no tour “{id}” (any more). Plan a new one here.",
    },
    "planner.loaded": {"de": "Tour „{title}“ geladen.", "en": "Loaded tour “{title}”."},
    "planner.error": {"de": "Diese Tour lässt sich nicht planen: {error}",
                      "en": "This tour cannot be planned: {error}"},
    "notice.dropped": {"de": "Passt nicht ins Zeitbudget und wurde weggelassen: {name}",
                       "en": "Does not fit the time budget and was left out: {name}"},
    "notice.missing": {
        "de": "Nicht mehr in der Ausstellung und übersprungen: {name}",
        "en": "No longer in the exhibition and skipped: {name}",
    },
    "notice.unreachable": {"de": "Nicht zu Fuß erreichbar: {name}",
                           "en": "Cannot be reached on foot: {name}"},
    "notice.not_step_free": {"de": "Nicht stufenlos erreichbar: {name}",
                             "en": "Not reachable step-free: {name}"},
    "notice.estimated": {
        "de": "Diese Ausstellung hat kein Wegenetz: Entfernungen sind geschätzt "
        "(Luftlinie × {factor}).",
        "en": "This exhibition has no path network: distances are estimates "
        "(straight line × {factor}).",
    },
    "notice.over_budget": {"de": "Die Tour dauert {detail} Minuten, länger als das Zeitbudget.",
                           "en": "The tour takes {detail} minutes, longer than the budget."},
    "notice.closed_at_arrival": {
        "de": "{name} schließt um {detail} – bei Ankunft geschlossen.",
        "en": "{name} closes at {detail}: closed on arrival.",
    },
    "notice.waits_for_opening": {"de": "{name} öffnet erst um {detail}: Wartezeit.",
                                 "en": "{name} opens only at {detail}: waiting time."},
    "notice.missed_show": {"de": "{name}: Die letzte Vorführung ist bei Ankunft vorbei.",
                           "en": "{name}: the last show is over on arrival."},
    "notice.not_on_show": {"de": "{name} ist am Tag der Tour nicht zu sehen (nur {detail}): "
                           "ausgelassen.",
                           "en": "{name} is not on show on the tour's day (only {detail}): "
                           "left out."},
    # visitor mode (issue 9)
    "planner.guide_link": {"de": "Link für Guides (öffnet den Planer)",
                           "en": "Link for guides (opens the planner)"},
    "page.visitor": {"de": "Tour folgen", "en": "Follow a tour"},
    "visitor.title": {"de": "Tour folgen", "en": "Follow a tour"},
    "visitor.pick": {"de": "Gespeicherte Touren (neueste zuerst)",
                     "en": "Saved tours (newest first)"},
    "visitor.none_saved": {"de": "Noch keine gespeicherten Touren.",
                           "en": "No saved tours yet."},
    "visitor.code": {"de": "Tour-Code (vom QR-Code oder Handzettel)",
                     "en": "Tour code (from the QR code or hand-out)"},
    "visitor.open": {"de": "Tour öffnen", "en": "Open tour"},
    "visitor.open_named": {"de": "{title} öffnen", "en": "Open {title}"},
    "visitor.bad_tour": {
        "de": "Die Tour „{id}“ gibt es hier nicht. Bitte eine Tour aus der Liste wählen "
        "oder den Code prüfen.",
        "en": "There is no tour “{id}” here. Please pick a tour from the list or check "
        "the code."},
    "visitor.wrong_exhibition": {
        "de": "Die Tour „{id}“ gehört zu einer anderen Ausstellung ({exhibition}).",
        "en": "The tour “{id}” belongs to another exhibition ({exhibition})."},
    "visitor.corrupt_tour": {"de": "Die Tour „{id}“ ist beschädigt und kann nicht geöffnet "
                             "werden.", "en": "The tour “{id}” is damaged and cannot be opened."},
    "visitor.store_down": {"de": "Die gespeicherten Touren sind gerade nicht erreichbar.",
                           "en": "The saved tours cannot be reached right now."},
    "visitor.empty_tour": {"de": "Diese Tour hat keine Station, die hier geöffnet werden kann.",
                           "en": "This tour has no stop that can be shown here."},
    "visitor.progress": {"de": "Station {n} von {total}", "en": "Stop {n} of {total}"},
    "visitor.time_left": {"de": "noch {time}", "en": "{time} left"},
    "visitor.previous": {"de": "Zurück", "en": "Previous"},
    "visitor.next": {"de": "Weiter", "en": "Next"},
    "visitor.visited": {"de": "Besucht", "en": "Visited"},
    "visitor.visited_count": {"de": "{n} von {total} besucht", "en": "{n} of {total} visited"},
    "visitor.next_walk": {"de": "nächster Weg {distance}", "en": "next walk {distance}"},
    "visitor.planned": {"de": "Geplant: {minutes} ab {clock}",
                        "en": "Planned: {minutes} from {clock}"},
    "visitor.step_free_yes": {"de": "Stufenlos erreichbar", "en": "Step-free access"},
    "visitor.step_free_no": {"de": "Nicht stufenlos: Stufen oder Treppen",
                             "en": "Not step-free: steps or stairs"},
    "visitor.shows": {"de": "Vorführungen: {times}", "en": "Shows: {times}"},
    "visitor.next_leg": {"de": "Nächster Weg: {distance}, etwa {minutes}, Richtung {direction} "
                         "zu {name}",
                         "en": "Next walk: {distance}, about {minutes}, heading {direction} "
                         "to {name}"},
    "visitor.next_leg_end": {"de": "Zum Schluss: {distance}, etwa {minutes}, Richtung "
                             "{direction} zum Ziel {name}",
                             "en": "To finish: {distance}, about {minutes}, heading "
                             "{direction} to the end, {name}"},
    "visitor.last_stop": {"de": "Letzte Station: Ende der Tour.",
                          "en": "Last stop: the end of the tour."},
    "visitor.sources": {"de": "Quellen (mit dem Handy scannen)",
                        "en": "Sources (scan with a phone)"},
    "visitor.sources_links": {"de": "Quellen", "en": "Sources"},
    "visitor.source_qr_alt": {"de": "QR-Code der Quelle {url}",
                              "en": "QR code of the source {url}"},
    "visitor.size": {"de": "Schriftgröße", "en": "Text size"},
    "visitor.size.normal": {"de": "normal", "en": "normal"},
    "visitor.size.large": {"de": "groß", "en": "large"},
    "visitor.map": {"de": "Karte der Tour", "en": "Map of the tour"},
    "visitor.map_caption": {
        "de": "Rot: der Weg; grau: schon gegangen; Zahl mit Ring: die aktuelle Station; "
        "blauer Punkt: Ihr Standort (nach „Wo bin ich?“).",
        "en": "Red: the route; grey: already walked; ringed number: the current stop; "
        "blue dot: your position (after “Where am I?”).",
    },
    "visitor.legend": {"de": "Zeichen", "en": "Key"},
    "visitor.legend.stop": {"de": "Station", "en": "Stop"},
    "visitor.legend.current": {"de": "aktuelle Station", "en": "current stop"},
    "visitor.legend.route": {"de": "Weg", "en": "route"},
    "visitor.legend.walked": {"de": "schon gegangen", "en": "already walked"},
    "visitor.legend.you": {"de": "Ihr Standort", "en": "your position"},
    "visitor.offline": {"de": "Für die Offline-Nutzung speichern",
                        "en": "Save for offline use"},
    "visitor.offline_help": {
        "de": "Eine einzelne HTML-Datei mit Karte und allen Stationen: öffnet ohne Internet "
        "und ohne diese App aus den Dateien des Tablets.",
        "en": "One HTML file with the map and every stop: opens from the tablet's files with "
        "no internet and without this app."},
    "visitor.other_tour": {"de": "Andere Tour", "en": "Other tour"},
    "visitor.dir.n": {"de": "Norden", "en": "north"},
    "visitor.dir.ne": {"de": "Nordosten", "en": "north-east"},
    "visitor.dir.e": {"de": "Osten", "en": "east"},
    "visitor.dir.se": {"de": "Südosten", "en": "south-east"},
    "visitor.dir.s": {"de": "Süden", "en": "south"},
    "visitor.dir.sw": {"de": "Südwesten", "en": "south-west"},
    "visitor.dir.w": {"de": "Westen", "en": "west"},
    "visitor.dir.nw": {"de": "Nordwesten", "en": "north-west"},
    # Strings of one feature stay together below their heading (and out of each other's way).
    # -- follow the guide (lead.*) --
    "lead.page": {"de": "Tour führen", "en": "Lead a tour"},
    "lead.title": {"de": "Eine Tour führen", "en": "Lead a tour"},
    "lead.heading": {"de": "Tour: {title}", "en": "Tour: {title}"},
    "lead.intro": {
        "de": "Mit „Start“ führen Sie die Gruppe: die Tablets, die der Tour folgen, gehen mit "
        "Ihnen von Station zu Station.",
        "en": "Tap Start to lead the group: the tablets that follow this tour move with you "
        "from stop to stop."},
    "lead.pick": {"de": "Welche Tour führen Sie?", "en": "Which tour do you lead?"},
    "lead.none_saved": {"de": "Noch keine gespeicherte Tour. Im Planer eine Tour speichern.",
                        "en": "No saved tour yet. Save one in the planner."},
    "lead.start": {"de": "Start", "en": "Start"},
    "lead.previous": {"de": "Zurück", "en": "Previous"},
    "lead.next": {"de": "Weiter", "en": "Next"},
    "lead.end": {"de": "Führung beenden", "en": "End the tour"},
    "lead.end_confirm": {"de": "Ja, die Führung beenden", "en": "Yes, end the tour"},
    "lead.code_label": {"de": "Ihr Führungscode", "en": "Your lead code"},
    "lead.code_note": {
        "de": "Bitte notieren: der Code wird nur jetzt angezeigt. Mit ihm können Sie die "
        "Führung auf einem anderen Gerät übernehmen; ohne ihn kann das niemand.",
        "en": "Please note it down: the code is shown only now. With it you can take over on "
        "another device; without it nobody can."},
    "lead.code_noted": {"de": "Code notiert", "en": "I have noted the code"},
    "lead.stop": {"de": "Station {n} von {total}", "en": "Stop {n} of {total}"},
    "lead.followers": {"de": "Folgende Tablets: {n}", "en": "Tablets following: {n}"},
    "lead.not_led": {"de": "Diese Tour wird gerade nicht geführt.",
                     "en": "This tour is not being led right now."},
    "lead.read_only": {
        "de": "Diese Tour wird gerade von einem anderen Gerät geführt. Mit dem Führungscode "
        "können Sie übernehmen.",
        "en": "This tour is being led from another device. Enter the lead code to take over."},
    "lead.read_only_visitor": {
        "de": "Diese Tour wird gerade geführt. Führen können nur angemeldete Tourleitungen.",
        "en": "This tour is being led. Only a signed-in guide can lead it."},
    "lead.you_lead": {"de": "Sie führen diese Tour auf diesem Gerät.",
                      "en": "You are leading this tour on this device."},
    "lead.lost": {
        "de": "Ein anderes Gerät hat die Führung mit dem Führungscode übernommen. Dieses Gerät "
        "bewegt die Gruppe nicht mehr; mit dem Code können Sie die Führung zurückholen.",
        "en": "Another device has taken over the lead with the lead code. This device no "
        "longer moves the group; with the code you can take the lead back."},
    "lead.sign_in_first": {
        "de": "Nur angemeldete Tourleitungen dürfen eine Führung starten, bewegen oder "
        "beenden: bitte oben anmelden.",
        "en": "Only a signed-in guide may start, move or end a lead: please sign in above."},
    "lead.code_input": {"de": "Führungscode", "en": "Lead code"},
    "lead.tries_rule": {
        "de": "Nach drei falschen Codes wartet dieses Gerät vor jedem weiteren Versuch länger "
        "(5 s, 10 s, 20 s …), nach zehn 15 Minuten; nach 30 falschen Codes von allen Geräten "
        "ist die Übernahme 15 Minuten gesperrt. Das Gerät, das führt, führt immer weiter.",
        "en": "After three wrong codes this device waits longer before each further try (5 s, "
        "10 s, 20 s …), after ten 15 minutes; after 30 wrong codes from all devices, taking "
        "over is closed for 15 minutes. The device that leads keeps leading throughout."},
    "lead.too_many_device": {
        "de": "Zu viele falsche Codes von diesem Gerät: bitte {seconds} s warten, dann noch "
        "einmal versuchen. Die Gruppe bleibt, wo sie ist.",
        "en": "Too many wrong codes from this device: please wait {seconds} s, then try "
        "again. The group stays where it is."},
    "lead.too_many_lead": {
        "de": "Für diese Führung wurden zu viele falsche Codes eingegeben: die Übernahme ist "
        "für etwa {minutes} Minuten gesperrt. Das Gerät, das führt, führt weiter.",
        "en": "Too many wrong codes were typed for this lead: taking over is closed for about "
        "{minutes} minutes. The device that leads keeps leading."},
    "lead.take_over": {"de": "Übernehmen", "en": "Take over"},
    "lead.taken_over": {"de": "Sie führen jetzt diese Tour.",
                        "en": "You are now leading this tour."},
    "lead.wrong_code": {"de": "Falscher Führungscode: die Gruppe bleibt, wo sie ist.",
                        "en": "Wrong lead code: the group stays where it is."},
    "lead.ended": {"de": "Die Führung ist beendet.", "en": "The tour has ended."},
    "lead.tour_gone": {"de": "Diese Tour gibt es nicht mehr (sie wurde gelöscht).",
                       "en": "This tour no longer exists (it was deleted)."},
    "lead.already_led": {"de": "Diese Tour wird schon geführt.",
                         "en": "This tour is already being led."},
    "lead.store_down": {"de": "Die Führung ist gerade nicht erreichbar. Bitte gleich noch "
                        "einmal versuchen.",
                        "en": "Leading cannot be reached right now. Please try again in a "
                        "moment."},
    "lead.bad_tour": {"de": "Die Tour „{id}“ gibt es hier nicht.",
                      "en": "There is no tour “{id}” here."},
    "lead.open": {"de": "Diese Tour führen", "en": "Lead this tour"},
    "lead.open_help": {"de": "Für die Führerin oder den Führer: die Gruppe von Station zu "
                       "Station führen", "en": "For the guide: lead the group from stop to stop"},
    "lead.visitor_link": {"de": "Link für die Tablets", "en": "Link for the tablets"},
    "lead.follow": {"de": "Der Führung folgen", "en": "Follow the guide"},
    "lead.following": {"de": "Sie folgen der Führung (Station {n}).",
                       "en": "You are following the guide (stop {n})."},
    "lead.guide_at": {"de": "Die Führung ist bei Station {n}.",
                      "en": "The guide is at stop {n}."},
    "lead.jump": {"de": "Zur Führung springen (Station {n})",
                  "en": "Jump to where the guide is (stop {n})"},
    # -- the guide's live tools: running late, re-plan (lead.late.*, lead.replan.*) --
    "lead.late.on_time": {"de": "Im Zeitplan.", "en": "On schedule."},
    "lead.late.behind": {"de": "{minutes} hinter dem Zeitplan.",
                         "en": "{minutes} behind schedule."},
    "lead.late.ahead": {"de": "{minutes} vor dem Zeitplan.", "en": "{minutes} ahead of schedule."},
    "lead.late.ends": {"de": "In diesem Tempo endet die Tour um {clock}.",
                       "en": "At this pace the tour ends at {clock}."},
    "lead.late.end_by": {"de": "Zurück sein bis (fest, z. B. der Bus)",
                         "en": "Back by (fixed, e.g. the bus)"},
    "lead.late.end_by_help": {
        "de": "Ohne feste Zeit gilt das Zeitbudget der Tour, falls sie eines hat.",
        "en": "Without a fixed time the tour's time budget applies, if it has one."},
    "lead.late.budget_end": {"de": "Ende laut Zeitbudget: {clock}.",
                             "en": "End by the time budget: {clock}."},
    "lead.late.no_end": {
        "de": "Die Tour hat kein Zeitbudget: eine feste Endzeit eingeben, um einen Vorschlag "
              "zu bekommen, falls es knapp wird.",
        "en": "The tour has no time budget: set a fixed end to get a proposal when time runs "
              "short."},
    "lead.late.missed": {"de": "So ist {clock} nicht zu schaffen.",
                         "en": "At this pace {clock} cannot be met."},
    "lead.replan.propose": {
        "de": "Vorschlag, um bis {end} zurück zu sein: {dropped} auslassen (Ende um {clock}).",
        "en": "To be back by {end}: leave out {dropped} (ends at {clock})."},
    "lead.replan.still_late": {
        "de": "Auch mit nur den Pflichtstationen endet die Tour erst um {clock}.",
        "en": "Even with only the must-see stops the tour ends at {clock}."},
    "lead.replan.accept": {"de": "Neuen Plan übernehmen", "en": "Accept the new plan"},
    "lead.replan.undo": {"de": "Neuen Plan zurücknehmen", "en": "Undo the new plan"},
    "lead.replan.in_force": {
        "de": "Neuer Plan dieser Führung: {dropped} ausgelassen, um bis {end} zurück zu sein. "
              "Die gespeicherte Tour bleibt unverändert.",
        "en": "This lead's new plan: {dropped} left out to be back by {end}. The saved tour "
              "is unchanged."},
    "lead.replan.notice": {
        "de": "{count} ausgelassen, um bis {end} zurück zu sein: {names}.",
        "en": "{count} left out to be back by {end}: {names}."},
    "lead.replan.count.one": {"de": "Eine Station wurde", "en": "One stop was"},
    "lead.replan.count.other": {"de": "{n} Stationen wurden", "en": "{n} stops were"},
    "lead.replan.accepted": {"de": "Der neue Plan gilt jetzt auf allen folgenden Tablets.",
                             "en": "The new plan is now on every following tablet."},
    "lead.replan.undone": {"de": "Zurück zum vorigen Plan.", "en": "Back to the plan before."},

    # -- questions from the group (questions.*) --
    "questions.ask": {"de": "Frage an die Führung", "en": "Question for the guide"},
    "questions.line": {"de": "Ihre Frage (freiwillig)", "en": "Your question (optional)"},
    "questions.placeholder": {"de": "Eine Zeile, oder leer lassen",
                              "en": "One line, or leave it empty"},
    "questions.anonymous": {
        "de": "Anonym: die Führung sieht nur die Station und Ihren Text.",
        "en": "Anonymous: the guide sees only the stop and your text."},
    "questions.send": {"de": "Frage senden", "en": "Send the question"},
    "questions.sent": {"de": "Gesendet: die Führung sieht Ihre Frage.",
                       "en": "Sent: the guide sees your question."},
    "questions.wait": {"de": "Bitte {seconds} s warten, dann können Sie wieder fragen.",
                       "en": "Please wait {seconds} s before asking again."},
    "questions.too_many": {"de": "Von diesem Tablet sind schon genug Fragen gekommen.",
                           "en": "This tablet has asked enough questions for this tour."},
    "questions.no_guide": {"de": "Die Tour wird gerade nicht geführt: niemand sieht die Frage.",
                           "en": "Nobody is leading the tour right now: no one would see it."},
    "questions.refused": {"de": "Das ging nicht. Bitte noch einmal versuchen.",
                          "en": "That did not work. Please try again."},
    "questions.store_down": {"de": "Die Frage konnte gerade nicht gesendet werden. Ihr Text "
                                   "bleibt im Feld.",
                             "en": "The question could not be sent just now. Your text stays "
                                   "in the field."},
    "questions.queue": {"de": "Fragen aus der Gruppe: {n} offen",
                        "en": "Questions from the group: {n} open"},
    "questions.none": {"de": "Noch keine offenen Fragen.", "en": "No open questions."},
    "questions.at_stop": {"de": "{n}. {name} · {count} offen", "en": "{n}. {name} · {count} open"},
    "questions.here": {"de": "Offene Fragen hier: {n}", "en": "Open questions here: {n}"},
    "questions.no_text": {"de": "Eine Frage zu dieser Station (ohne Text)",
                          "en": "A question about this stop (no text)"},
    "questions.asked_at": {"de": "gefragt um {clock}", "en": "asked at {clock}"},
    "questions.answered": {"de": "Beantwortet", "en": "Answered"},
    "questions.answered_count": {"de": "Beantwortet: {n}", "en": "Answered: {n}"},
    "questions.asked_here": {"de": "Hier gestellte Fragen ({n})",
                             "en": "Questions asked here ({n})"},
    "questions.asked_on": {"de": "{date}, {clock}", "en": "{date}, {clock}"},
    "questions.was_answered": {"de": "beantwortet", "en": "answered"},

    # -- read aloud and arriving at a stop (speech.*, arrive.*) --
    "speech.play": {"de": "Vorlesen", "en": "Read aloud"},
    "speech.pause": {"de": "Pause", "en": "Pause"},
    "speech.resume": {"de": "Weiter vorlesen", "en": "Go on reading"},
    "speech.no_voice": {
        "de": "Dieses Gerät hat keine deutsche Stimme zum Vorlesen.",
        "en": "This device has no English voice to read aloud."},
    "speech.unsupported": {"de": "Dieser Browser kann nicht vorlesen.",
                           "en": "This browser cannot read aloud."},
    "speech.transcript": {"de": "Vorgelesener Text", "en": "Text being read"},
    "arrive.watch": {"de": "Melden, wenn wir an der nächsten Station sind",
                     "en": "Tell me when we reach the next stop"},
    "arrive.watching": {"de": "Achtet auf die Ankunft …", "en": "Watching for arrival …"},
    "arrive.offer": {"de": "Sie sind an Station {n}: {name}.",
                     "en": "You are at stop {n}: {name}."},
    "arrive.show": {"de": "Zeigen", "en": "Show it"},
    "arrive.stop_watching": {"de": "Nicht mehr melden", "en": "Stop watching"},

    # -- visitor extras: where am I, idle return, images (visitor.*) --
    "visitor.where": {"de": "Wo bin ich?", "en": "Where am I?"},
    "visitor.where_busy": {"de": "Standort wird bestimmt …", "en": "Finding your location …"},
    "visitor.where.here": {"de": "Sie sind an Station {n}: {name} (etwa {distance} entfernt).",
                           "en": "You are at stop {n}: {name} (about {distance} away)."},
    "visitor.where.nearest": {
        "de": "Nächste Station der Tour: {n}. {name}, etwa {distance} entfernt.",
        "en": "Nearest stop on the tour: {n}. {name}, about {distance} away."},
    "visitor.where.go": {"de": "Zu Station {n} springen", "en": "Go to stop {n}"},
    "visitor.where.outside": {
        "de": "Sie scheinen außerhalb des Geländes zu sein: {distance} bis zur nächsten Station "
              "({n}. {name}).",
        "en": "You seem to be outside the grounds: {distance} to the nearest stop "
              "({n}. {name})."},
    "visitor.where.rough": {"de": "Der Standort ist ungenau (± {accuracy}).",
                            "en": "The location is rough (± {accuracy})."},
    "visitor.where.denied": {
        "de": "Der Standort wurde nicht freigegeben. Erlauben Sie ihn in den "
              "Website-Einstellungen des Browsers, um „Wo bin ich?“ zu nutzen.",
        "en": "Location access was refused. Allow it in the browser's site settings to use "
              "“Where am I?”."},
    "visitor.where.unavailable": {
        "de": "Das Gerät kann seinen Standort gerade nicht bestimmen. Versuchen Sie es im "
              "Freien noch einmal.",
        "en": "The device cannot find its location right now. Try again outdoors."},
    "visitor.where.timeout": {"de": "Die Standortbestimmung dauerte zu lange. Bitte noch "
                                    "einmal versuchen.",
                              "en": "Finding the location took too long. Please try again."},
    "visitor.where.unsupported": {"de": "Dieser Browser kann keinen Standort mitteilen.",
                                  "en": "This browser cannot share its location."},
    "visitor.where.insecure": {
        "de": "Der Browser teilt den Standort nur über eine sichere Verbindung (https) mit.",
        "en": "The browser shares its location only over a secure (https) connection."},
    "visitor.idle_setting": {"de": "Einstellung ignoriert: {error}",
                             "en": "Setting ignored: {error}"},
    # -- capture on the tour (capture.*, dashboard/ui/capture.py) --
    "capture.title": {"de": "Für unsere Stadt festhalten", "en": "Capture for our city"},
    "capture.who": {"de": "Entwürfe von {name} für {city}, nur für Sie sichtbar, bis Sie sie "
                          "in der Auswertung veröffentlichen.",
                    "en": "Drafts of {name} for {city}, seen only by you until you publish "
                          "them in the review."},
    "capture.who_open": {"de": "Entwürfe für {city}, nur für Sie sichtbar, bis Sie sie in der "
                               "Auswertung veröffentlichen (dort denselben Namen eingeben).",
                         "en": "Drafts for {city}, seen only by you until you publish them in "
                               "the review (type the same name there)."},
    "capture.sign_in": {"de": "Festhalten für die Stadt können angemeldete Lotsinnen und "
                              "Lotsen: Melden Sie sich auf der Seite „Auswertung“ an.",
                        "en": "Signed-in navigators can capture for their city: sign in on "
                              "the review page."},
    "capture.relevant": {"de": "Relevant für uns", "en": "Relevant for us"},
    "capture.departments": {"de": "Betrifft Fachbereich", "en": "Concerns department"},
    "capture.more": {"de": "Notiz oder Foto", "en": "Note or photo"},
    "capture.note": {"de": "Kurze Notiz (Tippen oder Diktieren)",
                     "en": "Short note (type or dictate)"},
    "capture.camera": {"de": "Foto aufnehmen", "en": "Take a photo"},
    "capture.file": {"de": "Bild wählen", "en": "Choose a picture"},
    "capture.snap": {"de": "Auslösen", "en": "Take it"},
    "capture.cancel": {"de": "Abbrechen", "en": "Cancel"},
    "capture.drop_photo": {"de": "Foto verwerfen", "en": "Discard photo"},
    "capture.preview_alt": {"de": "Ihr Foto an dieser Station", "en": "Your photo at this stop"},
    "capture.caption": {"de": "Bildunterschrift", "en": "Caption"},
    "capture.keep_location": {"de": "Aufnahmeort im Bild behalten",
                              "en": "Keep where the picture was taken"},
    "capture.save": {"de": "Notiz speichern", "en": "Save note"},
    "capture.name": {"de": "Ihr Name (für Ihre Entwürfe)", "en": "Your name (for your drafts)"},
    "capture.name_first": {"de": "Bitte zuerst Ihren Namen eingeben.",
                           "en": "Please type your name first."},
    "capture.kept": {"de": "Gespeichert, wird gesendet …", "en": "Saved, sending …"},
    "capture.kept_offline": {
        "de": "Auf diesem Tablet gespeichert, wird gesendet, sobald die Verbindung zurück ist.",
        "en": "Saved on this tablet, will be sent when the connection is back."},
    "capture.not_kept": {
        "de": "Der Speicher dieses Tablets ist voll: nur gesendet, nicht hier aufbewahrt.",
        "en": "This tablet's storage is full: sent only, not kept here."},
    "capture.sent": {"de": "Gesendet: Sie finden es in der Auswertung unter „Von der Tour“.",
                     "en": "Sent: you find it in the review under “From the tour”."},
    "capture.refused": {"de": "Nicht gespeichert:", "en": "Not stored:"},
    "capture.waiting": {"de": "{n} auf diesem Tablet gespeichert, noch nicht gesendet.",
                        "en": "{n} saved on this tablet, not sent yet."},
    "capture.elsewhere": {"de": "Noch nicht gespeicherte Notiz bei:",
                          "en": "Note not saved yet at:"},
    "capture.no_camera": {
        "de": "Die Kamera ist nicht verfügbar (nicht freigegeben oder keine sichere "
              "Verbindung). Wählen Sie stattdessen ein Bild.",
        "en": "The camera is not available (not allowed, or no secure connection). Choose a "
              "picture instead."},
    "capture.not_a_photo": {"de": "Diese Datei ist kein lesbares Bild.",
                            "en": "This file is not a readable picture."},

    # -- exhibition editor (edit.*) --
    "page.edit": {"de": "Ausstellung bearbeiten", "en": "Edit exhibition"},
    "edit.title": {"de": "Ausstellung bearbeiten", "en": "Edit an exhibition"},
    "edit.read_only": {"de": "Ausstellungen bearbeiten darf nur, wer die Rolle »editor« hat. "
                             "Melden Sie sich mit dieser Rolle an.",
                       "en": "Only people with the editor role may edit exhibitions. Sign in "
                             "with that role."},
    "edit.exhibition": {"de": "Ausstellung", "en": "Exhibition"},
    "edit.pick": {"de": "– Ausstellung wählen –", "en": "– choose an exhibition –"},
    "edit.none": {"de": "(keine)", "en": "(none)"},
    "edit.start_hint": {"de": "Wählen Sie eine Ausstellung oder legen Sie eine neue an.",
                        "en": "Choose an exhibition or create a new one."},
    "edit.none_yours": {"de": "Sie dürfen bestimmte Ausstellungen bearbeiten, aber keine davon "
                        "gibt es hier schon. Eine neue anlegen darf nur, wer alle bearbeiten "
                        "darf.",
                        "en": "You may edit certain exhibitions, but none of them exists here "
                        "yet. Only someone who may edit all of them can start a new one."},
    "edit.new": {"de": "Neue Ausstellung", "en": "New exhibition"},
    "edit.name_de": {"de": "Name (deutsch)", "en": "Name (German)"},
    "edit.name_en": {"de": "Name (englisch)", "en": "Name (English)"},
    "edit.start": {"de": "Erster Tag", "en": "First day"},
    "edit.end": {"de": "Letzter Tag", "en": "Last day"},
    "edit.open": {"de": "Öffnet um", "en": "Opens at"},
    "edit.close": {"de": "Schließt um", "en": "Closes at"},
    "edit.timezone": {"de": "Zeitzone", "en": "Time zone"},
    "edit.languages": {"de": "Sprachen", "en": "Languages"},
    "edit.group": {"de": "Besuchende Gruppe", "en": "Visiting group"},
    "edit.group_default": {"de": "Besuchergruppe", "en": "Visiting group"},
    "edit.from_zip": {"de": "… oder einen ganzen Datenordner als ZIP hochladen",
                      "en": "… or upload a whole data folder as a zip"},
    "edit.create": {"de": "Anlegen", "en": "Create"},
    "edit.need_name": {"de": "Geben Sie einen Namen und mindestens eine Sprache an.",
                       "en": "Give a name and at least one language."},
    "edit.section": {"de": "Bereich", "en": "Section"},
    "edit.section.site": {"de": "Gelände", "en": "Site"},
    "edit.section.exhibits": {"de": "Exponate", "en": "Exhibits"},
    "edit.section.lists": {"de": "Listen", "en": "Lists"},
    "edit.section.import": {"de": "Import", "en": "Import"},
    "edit.section.photos": {"de": "Fotos", "en": "Photos"},
    "edit.section.publish": {"de": "Veröffentlichen", "en": "Publish"},
    "edit.problems": {"de": "{count} Probleme: so kann die Ausstellung noch nicht "
                            "veröffentlicht werden",
                      "en": "{count} problems: the exhibition cannot be published yet"},
    "edit.valid": {"de": "Alles geprüft: die Ausstellung kann veröffentlicht werden.",
                   "en": "All checked: the exhibition can be published."},
    "edit.conflict": {"de": "Jemand anderes hat den Entwurf inzwischen gespeichert: Ihre "
                            "Änderung wurde nicht gespeichert, steht aber noch im Formular. "
                            "Laden Sie den neueren Entwurf und speichern Sie erneut.",
                      "en": "Someone else saved the draft meanwhile: your change was not "
                            "saved, but it is still in the form. Load the newer draft and "
                            "save again."},
    "edit.reload": {"de": "Neueren Entwurf laden", "en": "Load the newer draft"},
    "edit.osm_upload": {"de": "OpenStreetMap-Ausschnitt des Geländes (.osm, .osm.pbf oder "
                              "GeoJSON aus Overpass)",
                        "en": "OpenStreetMap extract of the grounds (.osm, .osm.pbf or "
                              "GeoJSON from Overpass)"},
    "edit.osm_hint": {"de": "Auf openstreetmap.org: Exportieren → Bereich wählen → "
                            "OpenStreetMap-XML-Daten. Wege, Treppen, Gebäude, Wasser und "
                            "Umriss werden übernommen.",
                      "en": "On openstreetmap.org: Export → choose the area → OpenStreetMap "
                            "XML data. Paths, steps, buildings, water and the outline are "
                            "taken."},
    "edit.osm_found": {"de": "Gefunden: {paths} Wege, {buildings} Gebäude, {water} Gewässer.",
                       "en": "Found: {paths} paths, {buildings} buildings, {water} water "
                             "bodies."},
    "edit.draw.target": {"de": "Auf der Karte zeichnen", "en": "Draw on the map"},
    "edit.draw.paths": {"de": "Fußwege", "en": "Footpaths"},
    "edit.draw.site": {"de": "Geländeumriss", "en": "Site outline"},
    "edit.draw.zone": {"de": "Fläche des Bereichs {zone}", "en": "Area of zone {zone}"},
    "edit.draw.hint_paths": {"de": "Linien-Werkzeug: Punkte antippen, zum Beenden den letzten "
                             "Punkt noch einmal antippen. Stift-Werkzeug: Punkte verschieben, "
                             "dann »Save«. Wege müssen sich berühren, damit sie verbunden sind.",
                             "en": "Line tool: tap points, tap the last one again to finish. "
                             "Pen tool: move points, then “Save”. Paths must touch to connect."},
    "edit.draw.hint_area": {"de": "Flächen-Werkzeug: Ecken antippen, zum Schließen die erste "
                            "Ecke antippen. Stift-Werkzeug: Ecken verschieben, dann »Save«.",
                            "en": "Area tool: tap the corners, tap the first again to close. "
                            "Pen tool: move corners, then “Save”."},
    "edit.draw.changed": {"de": "Gezeichnet: {count} Formen, noch nicht gespeichert.",
                          "en": "Drawn: {count} shapes, not saved yet."},
    "edit.draw.save": {"de": "Zeichnung speichern", "en": "Save drawing"},
    "edit.draw.saved": {"de": "Zeichnung gespeichert.", "en": "Drawing saved."},
    "edit.osm_take": {"de": "Gelände übernehmen", "en": "Take this site"},
    "edit.osm_taken": {"de": "Gelände übernommen.", "en": "Site taken."},
    "edit.exhibit": {"de": "Exponat", "en": "Exhibit"},
    "edit.new_exhibit": {"de": "+ Neues Exponat", "en": "+ New exhibit"},
    "edit.tap_hint": {"de": "Tippen Sie auf die Karte, um den Ort des Exponats zu setzen.",
                      "en": "Tap the map to set the exhibit's place."},
    "edit.drag": {"de": "Exponate durch Ziehen verschieben", "en": "Move exhibits by dragging"},
    "edit.drag_hint": {"de": "Stift-Werkzeug antippen, Markierungen ziehen, dann »Save« in der "
                       "Werkzeugleiste und unten speichern.",
                       "en": "Tap the pen tool, drag the markers, then “Save” in the toolbar, "
                       "and save below."},
    "edit.drag_moved": {"de": "Verschoben: {names}", "en": "Moved: {names}"},
    "edit.drag_save": {"de": "{count} neue Orte speichern", "en": "Save {count} new places"},
    "edit.drag_saved": {"de": "{count} Orte gespeichert.", "en": "{count} places saved."},
    "edit.f.name_de": {"de": "Name (deutsch)", "en": "Name (German)"},
    "edit.f.name_en": {"de": "Name (englisch)", "en": "Name (English)"},
    "edit.f.summary_de": {"de": "Kurz (deutsch)", "en": "Summary (German)"},
    "edit.f.summary_en": {"de": "Kurz (englisch)", "en": "Summary (English)"},
    "edit.f.description_de": {"de": "Beschreibung (deutsch)", "en": "Description (German)"},
    "edit.f.description_en": {"de": "Beschreibung (englisch)", "en": "Description (English)"},
    "edit.f.category": {"de": "Kategorie", "en": "Category"},
    "edit.f.zone": {"de": "Bereich", "en": "Zone"},
    "edit.f.lat": {"de": "Breite", "en": "Latitude"},
    "edit.f.lon": {"de": "Länge", "en": "Longitude"},
    "edit.f.visit_minutes": {"de": "Minuten vor Ort", "en": "Minutes there"},
    "edit.f.priority": {"de": "Wichtigkeit (1–5)", "en": "Priority (1–5)"},
    "edit.f.step_free": {"de": "Stufenlos erreichbar", "en": "Step-free"},
    "edit.f.departments": {"de": "Fachbereiche", "en": "Departments"},
    "edit.f.sources": {"de": "Quellen (eine Adresse je Zeile)",
                       "en": "Sources (one address a line)"},
    "edit.f.facts_de": {"de": "Fakten (deutsch, einer je Zeile)",
                        "en": "Facts (German, one a line)"},
    "edit.f.facts_en": {"de": "Fakten (englisch, einer je Zeile)",
                        "en": "Facts (English, one a line)"},
    "edit.f.id": {"de": "Kennung", "en": "Id"},
    "edit.f.id_help": {"de": "Leer lassen: wird aus dem Namen gebildet.",
                       "en": "Leave empty: made from the name."},
    "edit.form_problems": {"de": "{count} Hinweise am Formular", "en": "{count} problems in "
                                                                        "the form"},
    "edit.save_exhibit": {"de": "Exponat speichern", "en": "Save exhibit"},
    "edit.delete_exhibit": {"de": "Exponat löschen", "en": "Delete exhibit"},
    "edit.saved": {"de": "Exponat {id} gespeichert.", "en": "Exhibit {id} saved."},
    "edit.deleted": {"de": "Exponat {id} gelöscht.", "en": "Exhibit {id} deleted."},
    "edit.l.kind": {"de": "Welche Liste", "en": "Which list"},
    "edit.l.plural.category": {"de": "Kategorien", "en": "Categories"},
    "edit.l.plural.zone": {"de": "Bereiche", "en": "Zones"},
    "edit.l.plural.department": {"de": "Fachbereiche", "en": "Departments"},
    "edit.l.plural.city": {"de": "Städte", "en": "Cities"},
    "edit.l.category": {"de": "Kategorie", "en": "Category"},
    "edit.l.zone": {"de": "Bereich", "en": "Zone"},
    "edit.l.department": {"de": "Fachbereich", "en": "Department"},
    "edit.l.city": {"de": "Stadt", "en": "City"},
    "edit.l.new": {"de": "+ Neu", "en": "+ New"},
    "edit.l.color": {"de": "Farbe", "en": "Colour"},
    "edit.l.icon": {"de": "Symbol", "en": "Symbol"},
    "edit.l.icon_help": {"de": "Ein kurzes Zeichen in der Markierung (höchstens 4), z. B. ⚡",
                         "en": "A short symbol drawn in the marker (at most 4), e.g. ⚡"},
    "edit.l.delegation_de": {"de": "Besuchende Gruppe (deutsch)",
                             "en": "Visiting group (German)"},
    "edit.l.delegation_en": {"de": "Besuchende Gruppe (englisch)",
                             "en": "Visiting group (English)"},
    "edit.l.id_help": {"de": "Leer lassen: wird aus dem Namen gebildet. Eine geänderte "
                       "Kennung wird überall geändert, wo sie verwendet wird.",
                       "en": "Leave empty: made from the name. A changed id is changed "
                       "wherever it is used."},
    "edit.l.zone_draw": {"de": "Dieser Bereich hat noch keine Fläche: zeichnen Sie sie unter "
                         "»Gelände« auf der Karte.",
                         "en": "This zone has no area yet: draw it on the map under “Site”."},
    "edit.l.save": {"de": "Speichern", "en": "Save"},
    "edit.l.delete": {"de": "Löschen", "en": "Delete"},
    "edit.l.saved": {"de": "{id} gespeichert.", "en": "{id} saved."},
    "edit.l.deleted": {"de": "{id} gelöscht.", "en": "{id} deleted."},
    "edit.import_upload": {"de": "Exponate aus einer Tabelle (CSV, Excel) oder Punkten "
                                 "(GeoJSON, KML)",
                           "en": "Exhibits from a table (CSV, Excel) or points (GeoJSON, KML)"},
    "edit.import_hint": {"de": "Eine Zeile je Exponat; Sie ordnen die Spalten im nächsten "
                               "Schritt zu. Nichts wird gespeichert, bevor Sie die Vorschau "
                               "bestätigen.",
                         "en": "One row per exhibit; you map the columns in the next step. "
                               "Nothing is saved before you confirm the preview."},
    "edit.mapping": {"de": "Welche Spalte enthält was?", "en": "Which column holds what?"},
    "edit.no_column": {"de": "(keine)", "en": "(none)"},
    "edit.field.id": {"de": "Kennung", "en": "Id"},
    "edit.field.name_de": {"de": "Name (de)", "en": "Name (de)"},
    "edit.field.name_en": {"de": "Name (en)", "en": "Name (en)"},
    "edit.field.summary_de": {"de": "Kurz (de)", "en": "Summary (de)"},
    "edit.field.summary_en": {"de": "Kurz (en)", "en": "Summary (en)"},
    "edit.field.description_de": {"de": "Beschreibung (de)", "en": "Description (de)"},
    "edit.field.description_en": {"de": "Beschreibung (en)", "en": "Description (en)"},
    "edit.field.lat": {"de": "Breite", "en": "Latitude"},
    "edit.field.lon": {"de": "Länge", "en": "Longitude"},
    "edit.field.category": {"de": "Kategorie", "en": "Category"},
    "edit.field.zone": {"de": "Bereich", "en": "Zone"},
    "edit.field.visit_minutes": {"de": "Minuten", "en": "Minutes"},
    "edit.field.step_free": {"de": "Stufenlos", "en": "Step-free"},
    "edit.field.priority": {"de": "Wichtigkeit", "en": "Priority"},
    "edit.field.source": {"de": "Quelle", "en": "Source"},
    "edit.import_source": {"de": "Quelle für Zeilen ohne Quelle (Webadresse)",
                           "en": "Source for rows without one (web address)"},
    "edit.preview": {"de": "Vorschau: {added} neu, {changed} geändert, {unchanged} "
                           "unverändert, {refused} abgelehnt.",
                     "en": "Preview: {added} new, {changed} changed, {unchanged} unchanged, "
                           "{refused} refused."},
    "edit.added": {"de": "neu", "en": "new"},
    "edit.changed": {"de": "geändert", "en": "changed"},
    "edit.refused": {"de": "Abgelehnt (werden nicht übernommen):",
                     "en": "Refused (not taken):"},
    "edit.import_take": {"de": "{count} Exponate übernehmen", "en": "Take {count} exhibits"},
    "edit.imported": {"de": "Import übernommen.", "en": "Import taken."},
    "edit.no_exhibits": {"de": "Noch keine Exponate.", "en": "No exhibits yet."},
    "edit.photo_upload": {"de": "Foto (JPEG, PNG oder WebP, höchstens 1 MB)",
                          "en": "Photo (JPEG, PNG or WebP, at most 1 MB)"},
    "edit.alt_de": {"de": "Bildbeschreibung (deutsch)", "en": "Text alternative (German)"},
    "edit.alt_en": {"de": "Bildbeschreibung (englisch)", "en": "Text alternative (English)"},
    "edit.credit": {"de": "Bildnachweis und Lizenz (Pflicht)", "en": "Credit and licence "
                    "(required)"},
    "edit.credit_hint": {"de": "z. B. Foto: Jana Muster, CC BY 4.0",
                         "en": "e.g. Photo: Jana Muster, CC BY 4.0"},
    "edit.photo_take": {"de": "Foto übernehmen", "en": "Take photo"},
    "edit.photo_taken": {"de": "Foto gespeichert.", "en": "Photo saved."},
    "edit.publish_message": {"de": "Was hat sich geändert? (optional)",
                             "en": "What changed? (optional)"},
    "edit.publish": {"de": "Veröffentlichen", "en": "Publish"},
    "edit.publish_blocked": {"de": "Erst veröffentlichen, wenn alle Probleme behoben sind.",
                             "en": "Fix every problem before publishing."},
    "edit.publish_conflict": {"de": "Inzwischen wurde eine andere Version veröffentlicht: "
                                    "nichts wurde veröffentlicht. Laden Sie den neueren Stand.",
                              "en": "Another version was published meanwhile: nothing was "
                                    "published. Load the newer state."},
    "edit.published": {"de": "Version {number} veröffentlicht.",
                       "en": "Version {number} published."},
    "edit.no_versions": {"de": "Noch keine veröffentlichte Version.",
                         "en": "No published version yet."},
    "edit.v.number": {"de": "Version", "en": "Version"},
    "edit.v.author": {"de": "Von", "en": "By"},
    "edit.v.time": {"de": "Zeit", "en": "Time"},
    "edit.v.message": {"de": "Notiz", "en": "Note"},
    "edit.v.pick": {"de": "Version", "en": "Version"},
    "edit.v.compare": {"de": "verglichen mit", "en": "compared with"},
    "edit.v.added": {"de": "neu: {ids}", "en": "added: {ids}"},
    "edit.v.removed": {"de": "entfernt: {ids}", "en": "removed: {ids}"},
    "edit.v.changed": {"de": "{id} geändert: {fields}", "en": "{id} changed: {fields}"},
    "edit.v.files": {"de": "Dateien geändert: {files}", "en": "files changed: {files}"},
    "edit.v.same": {"de": "keine Unterschiede", "en": "no differences"},
    "edit.export": {"de": "Als Datenordner (ZIP) herunterladen",
                    "en": "Download as a data folder (zip)"},
    "edit.restore": {"de": "Version {number} wiederherstellen", "en": "Restore version {number}"},
    "edit.restored": {"de": "Version {number} als Version {new} wiederhergestellt.",
                      "en": "Version {number} restored as version {new}."},

    # -- review page (review.*) --
    "page.review": {"de": "Auswertung", "en": "Review"},
    "review.title": {"de": "Auswertung der Lernreise", "en": "Review of the study trip"},
    "review.no_cities": {"de": "Diese Ausstellungsdaten nennen keine besuchende Stadt: ohne "
                               "Stadt gibt es nichts auszuwerten (cities.yaml).",
                         "en": "This exhibition's data names no visiting city: without a city "
                               "there is nothing to review (cities.yaml)."},
    "review.denied": {"de": "Nicht erlaubt: {reason}", "en": "Not allowed: {reason}"},
    "review.store_down": {
        "de": "Die Datenbank der Notizen ist gerade nicht erreichbar. Bitte später erneut "
              "versuchen; nichts wurde gespeichert.",
        "en": "The notes database cannot be used right now. Please try again later; nothing "
              "was saved."},
    "review.refused": {"de": "Nicht gespeichert: {reason}", "en": "Not saved: {reason}"},
    # Why the store refused (dashboard/store/errors.py InvalidNote.reason), said in words.
    "store.not_text": {"de": "{field} muss ein Text sein", "en": "the {field} must be a text"},
    "store.empty": {"de": "{field} darf nicht leer sein", "en": "the {field} must not be empty"},
    "store.too_long": {"de": "{field} ist länger als {max} Zeichen ({length})",
                       "en": "the {field} is longer than {max} characters ({length})"},
    "store.bad_character": {"de": "{field} enthält ein Zeichen, das nicht gespeichert werden "
                                  "kann",
                            "en": "the {field} contains a character that cannot be stored"},
    "store.too_many_tags": {"de": "höchstens {max} Schlagworte, nicht {count}",
                            "en": "at most {max} tags, not {count}"},
    "store.relevance": {"de": "die Relevanz muss eine ganze Zahl von {min} bis {max} sein",
                        "en": "the relevance must be a whole number from {min} to {max}"},
    "store.choice": {"de": "{field}: dieser Wert ist keine der Möglichkeiten",
                     "en": "the {field} must be one of the choices"},
    "store.due_date": {"de": "das Fälligkeitsdatum muss ein Datum sein",
                       "en": "the due date must be a date"},
    "store.unknown_city": {"de": "unbekannte Stadt „{id}“", "en": "unknown city “{id}”"},
    "store.unknown_exhibit": {"de": "unbekanntes Exponat „{id}“",
                              "en": "unknown exhibit “{id}”"},
    "store.department": {"de": "„{id}“ ist kein Fachbereich dieser Stadt",
                         "en": "“{id}” is not a department of this city"},
    "store.deleted_note": {"de": "diese Notiz wurde gelöscht: erst das Löschen rückgängig "
                                 "machen, dann bearbeiten",
                           "en": "this note was deleted: undo the deletion to edit it"},
    "store.unknown": {"de": "nicht gefunden (vielleicht inzwischen gelöscht)",
                      "en": "not found (perhaps deleted meanwhile)"},
    "store.capture_name": {"de": "Ihr Name wird gebraucht, um Ihre Entwürfe auseinanderzuhalten",
                           "en": "your name is needed to keep your drafts apart"},
    "store.capture_key": {"de": "der Schlüssel dieser Aufnahme ist ungültig",
                          "en": "the capture's key is not valid"},
    "store.capture_empty": {"de": "es gibt nichts zu speichern", "en": "there is nothing to keep"},
    "store.capture_mixed": {"de": "Entwürfe verschiedener Exponate werden einzeln veröffentlicht",
                            "en": "drafts of different exhibits are published one by one"},
    "store.capture_published": {"de": "einige dieser Entwürfe wurden inzwischen veröffentlicht",
                                "en": "some of these drafts were published meanwhile"},
    "store.too_many_departments": {"de": "höchstens {max} Fachbereiche",
                                   "en": "at most {max} departments"},
    "store.photo_empty": {"de": "das Foto ist leer", "en": "the photo is empty"},
    "store.photo_too_large": {"de": "das Foto ist größer als {max_mb} MB",
                              "en": "the photo is larger than {max_mb} MB"},
    "store.photo_type": {"de": "die Datei ist kein lesbares PNG-, JPEG- oder WebP-Foto",
                         "en": "the file is not a readable PNG, JPEG or WebP photo"},
    "store.photo_pixels": {"de": "das Foto hat mehr als {max} Pixel",
                           "en": "the photo has more than {max} pixels"},
    "store.denied": {"de": "Schreiben dürfen die angemeldeten Lotsinnen und Lotsen dieser "
                           "Stadt",
                     "en": "the signed-in navigators of this city write here"},
    "store.field.text": {"de": "der Text", "en": "text"},
    "store.field.tag": {"de": "ein Schlagwort", "en": "tag"},
    "store.field.title": {"de": "der Titel", "en": "title"},
    "store.field.action": {"de": "die Aufgabe", "en": "action"},
    "store.field.owner": {"de": "die verantwortliche Person oder Stelle", "en": "owner"},
    "store.field.author": {"de": "der Name", "en": "name"},
    "store.field.editor": {"de": "der Name", "en": "name"},
    "store.field.reason": {"de": "die Begründung", "en": "reason"},
    "store.field.city": {"de": "die Stadt", "en": "city"},
    "store.field.exhibit": {"de": "das Exponat", "en": "exhibit"},
    "store.field.department": {"de": "der Fachbereich", "en": "department"},
    "store.field.exhibition id": {"de": "die Ausstellung", "en": "exhibition id"},
    "store.field.transferability": {"de": "die Übertragbarkeit", "en": "transferability"},
    "store.field.status": {"de": "der Status", "en": "status"},
    "store.field.caption": {"de": "die Bildunterschrift", "en": "caption"},
    "store.field.tour": {"de": "die Tour", "en": "tour"},
    "store.url": {"de": "der Link muss eine http(s)-Adresse sein",
                  "en": "the link must be an http(s) address"},
    "store.field.contact": {"de": "der Kontakt", "en": "contact"},
    "store.field.link": {"de": "der Link", "en": "link"},
    "store.field.stage": {"de": "die Stufe", "en": "stage"},
    "store.field.factor": {"de": "der Faktor", "en": "factor"},
    "store.field.relevant": {"de": "„relevant für uns“", "en": "“relevant for us”"},
    "review.programme_error": {
        "de": "Das Programm (programme.yaml) hat {count} Fehler und wird nicht gezeigt:",
        "en": "The programme (programme.yaml) has {count} problem(s) and is not shown:"},
    "review.programme": {"de": "Programm: {title}", "en": "Programme: {title}"},
    "review.tabs": {"de": "Bereich der Auswertung", "en": "Part of the review"},
    "review.tab.exhibits": {"de": "Exponate und Notizen", "en": "Exhibits and notes"},
    "review.tab.follow_ups": {"de": "Folgeaufgaben", "en": "Follow-ups"},
    "review.tab.workshop": {"de": "Workshop", "en": "Workshop"},
    "review.tab.report": {"de": "Bericht", "en": "Report"},
    "review.tab.insights": {"de": "Einblicke", "en": "Insights"},
    "review.f_transferability": {"de": "Übertragbarkeit", "en": "Transferability"},
    "review.f_noted": {"de": "Nur mit Notiz", "en": "Noted only"},
    "review.all": {"de": "Alle", "en": "All"},
    "review.count": {"de": "{shown} von {total} Exponaten · {noted} mit Notizen",
                     "en": "{shown} of {total} exhibits · {noted} noted"},
    "review.no_notes_yet": {
        "de": "{city} hat noch keine Notizen: ein Exponat wählen und die erste schreiben.",
        "en": "{city} has no notes yet: choose an exhibit and write the first one."},
    "review.no_match": {"de": "Kein Exponat passt zu diesen Filtern.",
                        "en": "No exhibit matches these filters."},
    "review.reset_filters": {"de": "Filter zurücksetzen", "en": "Reset the filters"},
    "review.col.exhibit": {"de": "Exponat", "en": "Exhibit"},
    "review.col.on_tour": {"de": "Auf einer Tour", "en": "On a tour"},
    "review.col.notes": {"de": "Notizen", "en": "Notes"},
    "review.col.open": {"de": "Offene Folgeaufgaben", "en": "Open follow-ups"},
    "review.col.relevance": {"de": "Ø Relevanz", "en": "Mean relevance"},
    "review.col.transferability": {"de": "Übertragbarkeit", "en": "Transferability"},
    "review.pick": {"de": "Exponat auswerten", "en": "Review an exhibit"},
    "review.pick_none": {"de": "Exponat wählen …", "en": "Choose an exhibit …"},
    "review.pick_hint": {"de": "Ein Exponat wählen, um seine Notizen zu sehen und zu "
                               "schreiben.",
                         "en": "Choose an exhibit to see and write its notes."},
    "review.from_tour": {"de": "Von der Tour", "en": "From the tour"},
    "review.from_tour_count": {"de": "Von der Tour: Ihre Entwürfe zu {n} Exponaten",
                               "en": "From the tour: your drafts at {n} exhibits"},
    "review.from_tour_help": {
        "de": "Was Sie unterwegs festgehalten haben, nur für Sie sichtbar. Ergänzen Sie es und "
              "veröffentlichen Sie es als Notiz Ihrer Stadt.",
        "en": "What you captured on the tour, seen only by you. Complete it and publish it as "
              "a note of your city."},
    "review.tour_name_first": {
        "de": "Geben Sie oben Ihren Namen ein (wie auf dem Tablet), um Ihre Entwürfe von der "
              "Tour zu sehen.",
        "en": "Type your name above (as on the tablet) to see your drafts from the tour."},
    "review.tour_open": {"de": "Öffnen", "en": "Open"},
    "review.tour_notes": {"de": "{n} Notiz(en)", "en": "{n} note(s)"},
    "review.tour_photos": {"de": "{n} Foto(s)", "en": "{n} photo(s)"},
    "review.tour_discard": {"de": "Verwerfen", "en": "Discard"},
    "review.tour_discarded": {"de": "Entwurf verworfen.", "en": "Draft discarded."},
    "review.tour_publish": {"de": "Als Notiz veröffentlichen", "en": "Publish as a note"},
    "review.tour_published": {"de": "Als Notiz veröffentlicht.", "en": "Published as a note."},
    # -- transfer scorecard and reflection date (transfer.*, dashboard/ui/review/transfer.py)
    "transfer.title": {"de": "Transfer-Scorecard", "en": "Transfer scorecard"},
    "transfer.help": {
        "de": "Wie weit ist die Lösung vom Regelbetrieb bei Ihnen? Stufe, die fünf Faktoren für "
              "den Weg vom Pilot in den Regelbetrieb (je 1–5 mit einem Satz warum), wer bei "
              "Ihnen zuständig wäre, wen Sie ansprechen und wo die Lösung nachnutzbar ist.",
        "en": "How far is the solution from regular operation for you? The stage, the five "
              "factors for moving a pilot into regular operation (each 1–5 with a line of "
              "why), who would own it in your city, whom to contact and where it can be "
              "reused."},
    "transfer.none": {"de": "Noch keine Scorecard für dieses Exponat.",
                      "en": "No scorecard for this exhibit yet."},
    "transfer.own": {"de": "Scorecard von {city}", "en": "Scorecard of {city}"},
    "transfer.stage": {"de": "Stufe", "en": "Stage"},
    "transfer.stage.idea": {"de": "Idee", "en": "Idea"},
    "transfer.stage.proof_of_concept": {"de": "Machbarkeitsnachweis",
                                        "en": "Proof of concept"},
    "transfer.stage.proof_of_value": {"de": "Nutzennachweis", "en": "Proof of value"},
    "transfer.stage.regular_operation": {"de": "anderswo im Regelbetrieb",
                                         "en": "In regular operation elsewhere"},
    "transfer.factor.communication": {"de": "Kommunikation", "en": "Communication"},
    "transfer.factor.evidence": {"de": "Wirkungsnachweis", "en": "Evidence of impact"},
    "transfer.factor.technical_fit": {"de": "Technische Passung", "en": "Technical fit"},
    "transfer.factor.responsibility": {"de": "Klare Zuständigkeit",
                                       "en": "Clear responsibility"},
    "transfer.factor.funding": {"de": "Finanzierung", "en": "Funding"},
    "transfer.not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "transfer.why": {"de": "Warum?", "en": "Why?"},
    "transfer.owner_department": {"de": "Zuständiger Fachbereich", "en": "Owner department"},
    "transfer.no_owner": {"de": "noch offen", "en": "not decided yet"},
    "transfer.contact": {"de": "Kontakt beim Aussteller", "en": "Contact at the exhibitor"},
    "transfer.contact_help": {"de": "Name, Organisation, E-Mail-Adresse oder Telefon",
                              "en": "Name, organisation, e-mail address or phone"},
    "transfer.reuse_url": {"de": "Link zur Nachnutzung", "en": "Reuse link"},
    "transfer.reuse_url_help": {
        "de": "Wo die Lösung nachnutzbar ist, z. B. ein Open-Source-Repository oder ein "
              "Marktplatz-Eintrag (https://…)",
        "en": "Where the solution can be reused, e.g. an open-source repository or a "
              "marketplace entry (https://…)"},
    "transfer.save": {"de": "Scorecard speichern", "en": "Save scorecard"},
    "transfer.saved": {"de": "Scorecard gespeichert.", "en": "Scorecard saved."},
    "transfer.conflict": {
        "de": "Das hat inzwischen jemand anderes gespeichert: Sie sehen jetzt den neuen Stand. "
              "Bitte prüfen und noch einmal speichern.",
        "en": "Someone else saved this meanwhile: you now see their version. Please check and "
              "save again."},
    "transfer.rated": {"de": "{n} Städte sehen es bei „{stage}“",
                       "en": "{n} cities rate it {stage}"},
    "transfer.rated_one": {"de": "{city} sieht es bei „{stage}“", "en": "{city} rates it {stage}"},
    "transfer.runs_it": {"de": "{cities} betreibt es bereits", "en": "{cities} runs it"},
    "transfer.reflection": {"de": "Reflexionstreffen", "en": "Reflection meeting"},
    "transfer.reflection_help": {
        "de": "Das Treffen einige Monate nach der Reise: was bis dahin fällig ist.",
        "en": "The meeting some months after the trip: what is due by then."},
    "transfer.reflection_date": {"de": "Datum des Reflexionstreffens",
                                 "en": "Date of the reflection meeting"},
    "transfer.reflection_save": {"de": "Datum speichern", "en": "Save date"},
    "transfer.reflection_saved": {"de": "Datum gespeichert.", "en": "Date saved."},
    "transfer.reflection_due": {"de": "Bis zum {date} offen: {n} Folgeaufgabe(n)",
                                "en": "Open by {date}: {n} follow-up(s)"},
    "review.photos_zip": {"de": "Fotos (ZIP)", "en": "Photos (ZIP)"},
    "review.photos_zip_help": {"de": "Die Fotos der Notizen unter den Dateinamen der "
                                     "Excel-Tabelle.",
                               "en": "The notes' photos under the file names of the Excel "
                                     "workbook."},
    "review.photo_credit": {"de": "Foto: {name}, {date}", "en": "Photo: {name}, {date}"},
    "review.own_notes": {"de": "Notizen von {city}", "en": "Notes of {city}"},
    "review.no_own_notes": {"de": "{city} hat zu diesem Exponat noch nichts notiert.",
                            "en": "{city} has no note on this exhibit yet."},
    "review.other_notes": {"de": "Was die anderen Städte dachten",
                           "en": "What the other cities thought"},
    "review.no_other_notes": {"de": "Noch keine geteilten Notizen anderer Städte.",
                              "en": "No shared notes of other cities yet."},
    "review.curated": {"de": "Aus den Ausstellungsdaten", "en": "From the exhibition data"},
    "review.exhibit_follow_ups": {"de": "Folgeaufgaben zu diesem Exponat",
                                  "en": "Follow-ups of this exhibit"},
    "review.read_only": {"de": "Nur lesen: Notizen schreiben dürfen die angemeldeten Lotsen "
                               "dieser Stadt.",
                         "en": "Read only: the signed-in navigators of this city write its "
                               "notes."},
    "review.relevance_of": {"de": "Relevanz {n}/5", "en": "relevance {n}/5"},
    "review.not_shared": {"de": "nicht geteilt", "en": "not shared"},
    "review.edited_by": {"de": "zuletzt geändert von {name} am {when}",
                         "en": "last edited by {name} on {when}"},
    "review.edit": {"de": "Bearbeiten", "en": "Edit"},
    "review.delete": {"de": "Löschen", "en": "Delete"},
    "review.text": {"de": "Notiz", "en": "Note"},
    "review.text_help": {"de": "Markdown: **fett**, _kursiv_, Listen und Links (http, https, "
                               "mailto). HTML wird als Text gezeigt.",
                         "en": "Markdown: **bold**, _italic_, lists and links (http, https, "
                               "mailto). HTML is shown as text."},
    "review.relevance": {"de": "Relevanz (1 gering – 5 hoch)",
                         "en": "Relevance (1 low – 5 high)"},
    "review.relevance_help": {"de": "Wie wichtig ist das Exponat für diesen Fachbereich?",
                              "en": "How much does the exhibit matter to this department?"},
    "review.transferability": {"de": "Übertragbar?", "en": "Could we adopt it?"},
    "review.tags": {"de": "Schlagworte", "en": "Tags"},
    "review.tags_help": {"de": "Durch Kommas getrennt, z. B. energie, wlan",
                         "en": "Separated by commas, e.g. energy, wifi"},
    "review.shared": {"de": "Mit den anderen Städten teilen",
                      "en": "Share with the other cities"},
    "review.shared_help": {"de": "Geteilte Notizen sehen die Lotsen der anderen Städte.",
                           "en": "Shared notes are seen by the other cities' navigators."},
    "review.add_note": {"de": "Notiz schreiben", "en": "Write a note"},
    "review.name_first": {"de": "Zuerst oben den eigenen Namen eintragen.",
                          "en": "First type your name above."},
    "review.save_note": {"de": "Notiz speichern", "en": "Save the note"},
    "review.note_saved": {"de": "Notiz gespeichert.", "en": "Note saved."},
    "review.note_updated": {"de": "Änderung gespeichert.", "en": "Change saved."},
    "review.save_edit": {"de": "Änderung speichern", "en": "Save the change"},
    "review.cancel": {"de": "Abbrechen", "en": "Cancel"},
    "review.conflict": {
        "de": "Diese Notiz wurde inzwischen geändert: Ihre Änderung ist noch nicht "
              "gespeichert. Beide Texte stehen unten; wählen Sie, welcher gilt (Ihren Text "
              "können Sie vorher noch anpassen).",
        "en": "This note was changed meanwhile: your change is not saved yet. Both texts are "
              "below; choose which one stands (you may adjust yours first)."},
    "review.conflict_theirs": {"de": "Inzwischen gespeichert", "en": "Saved meanwhile"},
    "review.conflict_yours": {"de": "Ihr Text", "en": "Your text"},
    "review.conflict_keep_mine": {"de": "Meinen Text speichern", "en": "Save my text"},
    "review.conflict_take_theirs": {"de": "Gespeicherten behalten",
                                    "en": "Keep the saved one"},
    "review.delete_conflict": {
        "de": "Nicht gelöscht: die Notiz wurde inzwischen geändert. Bitte erneut ansehen.",
        "en": "Not deleted: the note was changed meanwhile. Please look at it again."},
    "review.deleted": {"de": "Notiz gelöscht.", "en": "Note deleted."},
    "review.undo": {"de": "Rückgängig", "en": "Undo"},
    "review.restored": {"de": "Notiz wiederhergestellt.", "en": "Note restored."},
    "review.questions": {"de": "Leitfragen", "en": "Guiding questions"},
    "review.no_questions": {"de": "Keine Leitfragen für diesen Fachbereich.",
                            "en": "No guiding questions for this department."},
    "review.overdue": {"de": "Überfällig seit {date}", "en": "Overdue since {date}"},
    "review.owner_is": {"de": "Verantwortlich: {owner}", "en": "Owner: {owner}"},
    "review.due_is": {"de": "fällig {date}", "en": "due {date}"},
    "review.no_due": {"de": "ohne Termin", "en": "no due date"},
    "review.open_only": {"de": "Nur offene", "en": "Open only"},
    # Plural forms (`plural`): one entry per CLDR plural category of the language.
    "review.fu_count.one": {"de": "{n} Folgeaufgabe, davon {late} überfällig",
                            "en": "{n} follow-up, {late} overdue"},
    "review.fu_count.other": {"de": "{n} Folgeaufgaben, davon {late} überfällig",
                              "en": "{n} follow-ups, {late} overdue"},
    "review.no_follow_ups": {"de": "Keine Folgeaufgaben.", "en": "No follow-ups."},
    "review.status": {"de": "Status", "en": "Status"},
    "review.fu_status_saved": {"de": "Status gespeichert: {status}.",
                               "en": "Status saved: {status}."},
    "review.fu_conflict": {
        "de": "Nicht geändert: die Folgeaufgabe wurde inzwischen geändert; hier steht nun "
              "ihr aktueller Stand.",
        "en": "Not changed: the follow-up was changed meanwhile; it now shows its current "
              "state."},
    "review.add_follow_up": {"de": "Folgeaufgabe anlegen", "en": "Add a follow-up"},
    "review.action": {"de": "Aufgabe", "en": "Action"},
    "review.owner": {"de": "Verantwortlich", "en": "Owner"},
    "review.due": {"de": "Fällig am", "en": "Due date"},
    "review.fu_exhibit": {"de": "Zum Exponat", "en": "For the exhibit"},
    "review.save_follow_up": {"de": "Folgeaufgabe speichern", "en": "Save the follow-up"},
    "review.follow_up_saved": {"de": "Folgeaufgabe gespeichert.", "en": "Follow-up saved."},
    "review.propose_topic": {"de": "Thema vorschlagen", "en": "Propose a topic"},
    "review.topic_title": {"de": "Titel", "en": "Title"},
    "review.topic_text": {"de": "Worum geht es?", "en": "What is it about?"},
    "review.topic_exhibits": {"de": "Verknüpfte Exponate", "en": "Linked exhibits"},
    "review.everyone": {"de": "Alle Fachbereiche", "en": "All departments"},
    "review.save_topic": {"de": "Thema speichern", "en": "Save the topic"},
    "review.topic_saved": {"de": "Thema gespeichert.", "en": "Topic saved."},
    "review.topics": {"de": "Themen", "en": "Topics"},
    "review.no_topics": {"de": "Noch keine Themen: das erste oben vorschlagen.",
                         "en": "No topics yet: propose the first one above."},
    "review.linked": {"de": "Exponate: {items}", "en": "exhibits: {items}"},
    "review.proposals": {"de": "Vorgeschlagene Arbeitsgruppen",
                         "en": "Proposed working groups"},
    "review.grouping_rule": {
        "de": "Regel: Themen, die mindestens ein verknüpftes Exponat oder Schlagwort teilen, "
              "kommen in eine Gruppe (auch über andere Themen hinweg).",
        "en": "Rule: topics that share at least one linked exhibit or tag go into one group "
              "(also through other topics)."},
    "review.proposal": {"de": "Vorschlag {n}", "en": "Proposal {n}"},
    "review.why": {"de": "Warum", "en": "Why"},
    "review.formed": {"de": "Als Arbeitsgruppe „{title}“ gebildet.",
                      "en": "Formed as the working group “{title}”."},
    "review.form_group": {"de": "Arbeitsgruppe bilden", "en": "Form the working group"},
    "review.group_formed": {"de": "Arbeitsgruppe gebildet.", "en": "Working group formed."},
    "review.groups": {"de": "Arbeitsgruppen", "en": "Working groups"},
    "review.no_groups": {"de": "Noch keine Arbeitsgruppen.", "en": "No working groups yet."},
    "review.ideas": {"de": "Projektideen", "en": "Project ideas"},
    "review.no_ideas": {"de": "Noch keine Projektideen.", "en": "No project ideas yet."},
    "review.idea_title": {"de": "Neue Projektidee", "en": "New project idea"},
    "review.idea_text": {"de": "Beschreibung", "en": "Description"},
    "review.save_idea": {"de": "Idee speichern", "en": "Save the idea"},
    "review.idea_saved": {"de": "Projektidee gespeichert.", "en": "Project idea saved."},
    "review.idea_to_follow_up": {"de": "Als Folgeaufgabe übernehmen",
                                 "en": "Make it a follow-up"},
    "review.idea_is_follow_up": {"de": "Folgeaufgabe: {owner}, {due}",
                                 "en": "Follow-up: {owner}, {due}"},
    "review.idea_follow_up_saved": {"de": "Folgeaufgabe aus der Idee angelegt.",
                                    "en": "Follow-up made from the idea."},
    "review.report_intro": {
        "de": "Der Bericht für den Gemeinderat von {city}: je Fachbereich die Exponate mit "
              "Relevanz, Übertragbarkeit, Notizen und Folgeaufgaben sowie die Projektideen "
              "des Workshops. Er wird beim Herunterladen erstellt.",
        "en": "The report for {city}'s council: per department the exhibits with relevance, "
              "transferability, notes and follow-ups, and the workshop's project ideas. It is "
              "made when you download it."},
    "review.report_lang": {"de": "Sprache des Berichts", "en": "Language of the report"},
    "review.format.md": {"de": "Markdown (.md)", "en": "Markdown (.md)"},
    "review.format.csv": {"de": "Tabelle (.csv)", "en": "Table (.csv)"},
    "review.format.xlsx": {"de": "Excel (.xlsx)", "en": "Excel (.xlsx)"},
    "review.format.pdf": {"de": "PDF", "en": "PDF"},
    "review.choose": {"de": "Auswählen …", "en": "Choose …"},
    # The review's domain (dashboard/review/domain.py `label`): choices and reasons.
    "review.label.adopt": {"de": "übernehmen", "en": "adopt"},
    "review.label.adapt": {"de": "anpassen", "en": "adapt"},
    "review.label.not_for_us": {"de": "nicht für uns", "en": "not for us"},
    "review.label.open": {"de": "offen", "en": "open"},
    "review.label.doing": {"de": "in Arbeit", "en": "doing"},
    "review.label.done": {"de": "erledigt", "en": "done"},
    "review.label.curated": {"de": "aus den Ausstellungsdaten", "en": "from the exhibition data"},
    "review.label.no_link": {"de": "keine gemeinsamen Exponate oder Schlagworte",
                             "en": "no shared exhibit or tag"},
    "review.label.shares": {"de": "„{a}“ und „{b}“ teilen {what}",
                            "en": "“{a}” and “{b}” share {what}"},
    "review.label.exhibits.one": {"de": "das Exponat {items}", "en": "the exhibit {items}"},
    "review.label.exhibits.other": {"de": "die Exponate {items}", "en": "the exhibits {items}"},
    "review.label.tags.one": {"de": "das Schlagwort {items}", "en": "the tag {items}"},
    "review.label.tags.other": {"de": "die Schlagworte {items}", "en": "the tags {items}"},
    "review.label.and": {"de": " und ", "en": " and "},

    # -- the trip report (dashboard/report.py, report.*) --
    "report.title": {"de": "Lernreise-Bericht {city}", "en": "Study trip report {city}"},
    "report.subtitle": {"de": "{exhibition} · {delegation} · Stand {date}",
                 "en": "{exhibition} · {delegation} · as of {date}"},
    "report.summary": {"de": "Übersicht", "en": "Summary"},
    "report.exhibit": {"de": "Exponat", "en": "Exhibit"},
    "report.exhibits": {"de": "Exponate", "en": "Exhibits"},
    "report.notes": {"de": "Notizen", "en": "Notes"},
    "report.relevance": {"de": "Relevanz", "en": "Relevance"},
    "report.mean_relevance": {"de": "Ø Relevanz", "en": "Mean relevance"},
    "report.transferability": {"de": "Übertragbarkeit", "en": "Transferability"},
    "report.author": {"de": "Autor/in", "en": "Author"},
    "report.text": {"de": "Text", "en": "Text"},
    "report.tags": {"de": "Schlagworte", "en": "Tags"},
    "report.follow_ups": {"de": "Folgeaufgaben", "en": "Follow-ups"},
    "report.open_follow_ups": {"de": "offene Folgeaufgaben", "en": "open follow-ups"},
    # The PDF summary's narrow column: broken where German breaks the word, not by fpdf.
    "report.open_follow_ups_head": {"de": "offene Folge-\naufgaben", "en": "open follow-ups"},
    "report.overdue": {"de": "überfällig seit {date}", "en": "overdue since {date}"},
    "report.action": {"de": "Aufgabe", "en": "Action"},
    "report.owner": {"de": "Verantwortlich", "en": "Owner"},
    "report.due": {"de": "Fällig", "en": "Due"},
    "report.status": {"de": "Status", "en": "Status"},
    "report.ideas": {"de": "Projektideen aus dem Workshop",
                     "en": "Project ideas from the workshop"},
    "report.group": {"de": "Arbeitsgruppe", "en": "Working group"},
    "report.idea": {"de": "Projektidee", "en": "Project idea"},
    "report.city": {"de": "Stadt", "en": "City"},
    "report.section": {"de": "Abschnitt", "en": "Section"},
    "report.note": {"de": "Notiz", "en": "Note"},
    "report.follow_up": {"de": "Folgeaufgabe", "en": "Follow-up"},
    "report.no_notes": {"de": "Noch keine Notizen.", "en": "No notes yet."},
    "report.no_department": {"de": "Ohne Notiz", "en": "Without a note"},
    "report.page": {"de": "Seite {page} von {pages}", "en": "Page {page} of {pages}"},
    "report.map": {"de": "Karte", "en": "Map"},
    "report.photos": {"de": "Fotos", "en": "Photos"},
    "report.scorecards": {"de": "Transfer-Scorecards", "en": "Transfer scorecards"},
    "report.stage": {"de": "Stufe", "en": "Stage"},
    "report.why": {"de": "Warum", "en": "Why"},
    "report.contact": {"de": "Kontakt", "en": "Contact"},
    "report.reuse_url": {"de": "Nachnutzung", "en": "Reuse"},
    "report.reflection": {"de": "Reflexionstreffen am {date}: bis dahin offen",
                          "en": "Reflection meeting on {date}: open by then"},
    "report.reflection_none": {"de": "Nichts offen.", "en": "Nothing open."},
    "report.photo_file": {"de": "Datei", "en": "File"},
    "report.caption": {"de": "Bildunterschrift", "en": "Caption"},
    "report.credit": {"de": "Foto von", "en": "Photo by"},
    "report.map_tour": {"de": "Die Tour „{title}“: {stops} Stationen, {km}",
                 "en": "The tour “{title}”: {stops} stops, {km}"},
    "report.map_noted": {
        "de": "Keine gespeicherte Tour zu den Notizen: die {n} Exponate mit Notizen, in der "
              "Farbe ihrer Kategorie",
        "en": "No saved tour of the noted exhibits: the {n} exhibits with notes, in their "
              "category's colour"},


    # -- sign-in and roles (auth.*) --
    "auth.workshop_banner": {
        "de": "Offener Workshop-Modus: Alle dürfen Notizen schreiben, ohne Anmeldung. "
        "Bitte den eigenen Namen eintragen; er steht als Autor bei jeder Notiz.",
        "en": "Open workshop mode: anyone may write notes, without signing in. "
        "Please type your name; it is shown as the author of each note."},
    "auth.open_tours": {
        "de": "Offener Modus ohne Anmeldung: Alle dürfen Touren speichern und führen.",
        "en": "Open mode without sign-in: anyone may save and lead tours."},
    "auth.your_name": {"de": "Ihr Name", "en": "Your name"},
    "auth.your_name_hint": {"de": "z. B. Anna aus Konstanz", "en": "e.g. Anna from Konstanz"},
    "auth.sign_in": {"de": "Anmelden", "en": "Sign in"},
    "auth.sign_in_with": {"de": "Anmelden mit {provider}", "en": "Sign in with {provider}"},
    "auth.sign_out": {"de": "Abmelden", "en": "Sign out"},
    "auth.read_only_signed_out": {
        "de": "Nur lesen: Zum Schreiben als Lotse oder Lotsin anmelden.",
        "en": "Reading only: sign in as a navigator to write."},
    "auth.read_only_signed_out_tours": {
        "de": "Nur ansehen: Zum Speichern und Führen von Touren als Tourleitung anmelden.",
        "en": "Viewing only: sign in as a guide to save and lead tours."},
    "auth.signed_in_as": {"de": "Angemeldet als {name}", "en": "Signed in as {name}"},
    "auth.role.navigator": {"de": "Lotse/Lotsin für {city}: darf schreiben",
                            "en": "navigator for {city}: may write"},
    "auth.role.admin": {"de": "Administration: darf alles schreiben",
                        "en": "admin: may write everything"},
    "auth.role.guide": {"de": "Tourleitung: verwaltet Touren", "en": "guide: manages tours"},
    "auth.role.editor": {"de": "Redaktion: bearbeitet Ausstellungen",
                         "en": "editor: edits exhibitions"},
    "auth.role.visitor": {"de": "nur lesen", "en": "reading only"},
    "auth.role.workshop": {"de": "offener Workshop", "en": "open workshop"},
    "auth.read_only_role": {
        "de": "Mit dieser Rolle sind Notizen nur zu lesen.",
        "en": "With this role notes are for reading only."},
    "auth.read_only_role_tours": {
        "de": "Mit dieser Rolle sind Touren nur anzusehen: speichern und führen dürfen "
        "Tourleitung und Administration.",
        "en": "With this role tours are for viewing only: guides and admins save and lead "
        "them."},
    "auth.no_role": {
        "de": "Für {email} ist keine Rolle eingetragen: nur lesen. Wer schreiben soll, bittet "
        "die Administration, die Adresse in die Rollendatei aufzunehmen.",
        "en": "No role is set up for {email}: reading only. To write, ask the admin to add "
        "this address to the roles file."},
    "auth.roles_error": {
        "de": "Die Rollendatei ist fehlerhaft, niemand erhält Rechte daraus: {error}",
        "en": "The roles file has a problem, it grants nobody anything: {error}"},
    "auth.secrets_error": {
        "de": "Die Datei .streamlit/secrets.toml ist nicht lesbar (Einzelheiten im Protokoll "
        "des Servers), daher ist unklar, ob eine Anmeldung gemeint ist: nur lesen.",
        "en": "The file .streamlit/secrets.toml cannot be read (details in the server's log), "
        "so it is unclear whether sign-in is meant: reading only."},
    "auth.not_configured": {
        "de": "Eine Rollendatei ist eingestellt, aber keine Anmeldung ([auth] in secrets.toml): "
        "nur lesen.",
        "en": "A roles file is set but sign-in is not ([auth] in secrets.toml): reading only."},

    # -- review insights (insights.*) --
    "insights.title": {"de": "Auswertung", "en": "Insights"},
    "insights.intro": {
        "de": "Was die Notizen von {city} zeigen: {notes} Notizen zu {exhibits} Exponaten.",
        "en": "What {city}'s notes show: {notes} notes on {exhibits} exhibits."},
    "insights.empty": {
        "de": "{city} hat noch keine Notizen. Sobald Notizen geschrieben sind, zeigt die "
        "Auswertung hier Relevanz nach Kategorie und Fachbereich, die Matrix und die 3D-Karte.",
        "en": "{city} has no notes yet. Once notes are written, the insights show relevance "
        "by category and department, the matrix and the 3D map here."},
    "insights.by_category": {"de": "Relevanz nach Kategorie", "en": "Relevance by category"},
    "insights.by_category_desc": {
        "de": "Balkendiagramm: mittlere Relevanz (1 bis 5) der Notizen je Kategorie, in der "
        "Farbe der Kategorie; die Zahl am Balken ist die Anzahl der Notizen.",
        "en": "Bar chart: mean relevance (1 to 5) of the notes per category, in the "
        "category's colour; the number at each bar is the count of notes."},
    "insights.by_department": {"de": "Relevanz nach Fachbereich",
                               "en": "Relevance by department"},
    "insights.by_department_desc": {
        "de": "Punktdiagramm: je Fachbereich die mittlere Relevanz (1 bis 5) seiner Notizen "
        "je Kategorie als farbiger Punkt (größer bei mehr Notizen), der schwarze Strich ist "
        "der Mittelwert des Fachbereichs.",
        "en": "Dot chart: per department the mean relevance (1 to 5) of its notes per "
        "category as a coloured dot (larger with more notes); the black tick is the "
        "department's mean."},
    "insights.by_department_hint": {
        "de": "Punkt: eine Kategorie (größer bei mehr Notizen); Strich: Mittel des Fachbereichs.",
        "en": "Dot: one category (larger with more notes); tick: the department's mean."},
    "insights.matrix": {"de": "Fachbereiche × Exponate", "en": "Departments × exhibits"},
    "insights.matrix_desc": {
        "de": "Matrix: Zeilen sind Exponate, Spalten Fachbereiche; jede Zelle zeigt die "
        "mittlere Relevanz und die Anzahl der Notizen, dunkler heißt relevanter.",
        "en": "Matrix: rows are exhibits, columns departments; each cell shows the mean "
        "relevance and the count of notes, darker means more relevant."},
    "insights.as_table": {"de": "Als Tabelle", "en": "As a table"},
    "insights.map": {"de": "Interesse auf dem Gelände (3D)", "en": "Interest on the site (3D)"},
    "insights.map_caption": {
        "de": "Säulenhöhe: Anzahl der Notizen × mittlere Relevanz; Farbe: Kategorie. Grau: "
        "Gebäude in ihrer Höhe. Ziehen dreht und neigt die Karte.",
        "en": "Column height: number of notes × mean relevance; colour: category. Grey: "
        "buildings at their height. Drag to turn and tilt the map."},
    "insights.category": {"de": "Kategorie", "en": "Category"},
    "insights.department": {"de": "Fachbereich", "en": "Department"},
    "insights.exhibit": {"de": "Exponat", "en": "Exhibit"},
    "insights.notes": {"de": "Notizen", "en": "Notes"},
    "insights.mean_relevance": {"de": "Ø Relevanz", "en": "Mean relevance"},
    "insights.interest": {"de": "Interesse", "en": "Interest"},
    "insights.tooltip_notes": {"de": "Notizen", "en": "Notes"},
    "insights.tooltip_relevance": {"de": "Ø Relevanz", "en": "mean relevance"},

    # -- replicas and load (scale.*) --

}


def t(key: str, lang: str, **values: object) -> str:
    """The UI string for key in lang (German if lang is unknown), formatted with values."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def plural(key: str, lang: str, n: int, **values: object) -> str:
    """The string of `key` in the plural form that `n` takes in `lang` (CLDR rules through
    Babel: "1 Folgeaufgabe", "2 Folgeaufgaben"); entries are "<key>.one", "<key>.other", ...
    and "<key>.other" stands in for a form the table does not have."""
    form = _plural_rule(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)(abs(n))
    name = f"{key}.{form}" if f"{key}.{form}" in STRINGS else f"{key}.other"
    return t(name, lang, n=format_number(n, lang), **values)


def format_number(value: float, lang: str) -> str:
    """A number as the language writes it (Babel: 1.234 in German, 1,234 in English)."""
    return format_decimal(value, locale=lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


@functools.cache
def _plural_rule(lang: str) -> Callable[[float], str]:
    return Locale.parse(lang).plural_form


def normalize_language(value: object) -> str | None:
    """A supported language code, or None for anything else (e.g. from a URL)."""
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    return None

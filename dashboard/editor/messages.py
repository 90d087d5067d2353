"""The validator's messages in German, for the editor's fields (the UI language decides).

The validator and the command line speak English (the data format's messages, quoted in
docs/data-format.md); the editor shows the same problem next to a field in the language of
the page. A message is translated phrase by phrase with the patterns below; the values it
quotes (ids, names, numbers, file paths) are carried over unchanged. A message no pattern
knows stays English rather than becoming a guess, and tests/test_editor_lists.py checks that
the messages an organiser meets in the editor's forms are all known.
"""

from __future__ import annotations

import re

_Q = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"  # a quoted value as repr() writes it
_N = r"([\d,.]+)"

# (pattern, German); applied in order, each to what the ones before left. Whole messages first,
# then the fragments that several messages share.
_GERMAN: list[tuple[re.Pattern[str], str]] = [(re.compile(p), de) for p, de in [
    # pydantic's own messages, as the catalogue's models report them
    (r"^Field required$", "Pflichtfeld: bitte ausfüllen"),
    (r"^Extra inputs are not permitted$", "dieses Feld gibt es im Datenformat nicht"),
    (r"^String should match pattern '\^\[a-z0-9\]\+\(\?:-\[a-z0-9\]\+\)\*\$'",
     "nur Kleinbuchstaben (ohne Umlaute), Ziffern und einzelne Bindestriche"),
    (r"^String should match pattern '\^#\[0-9a-fA-F\]\{6\}\$'",
     "eine Farbe als #rrggbb, z. B. #2e86c1"),
    (r"^String should match pattern ('[^']*')", r"passt nicht zum Muster \1"),
    (r"^String should have at most (\d+) characters?", r"höchstens \1 Zeichen"),
    (r"^String should have at least (\d+) characters?", r"mindestens \1 Zeichen"),
    (r"^Input should be greater than or equal to ([\d.]+)", r"muss mindestens \1 sein"),
    (r"^Input should be less than or equal to ([\d.]+)", r"darf höchstens \1 sein"),
    (r"^Input should be a finite number", "muss eine endliche Zahl sein"),
    (r"^Input should be a valid integer", "muss eine ganze Zahl sein"),
    (r"^Input should be a valid number", "muss eine Zahl sein"),
    (r"^Input should be a valid boolean", "muss ja oder nein sein"),
    (r"^Input should be a valid string", "muss ein Text sein"),
    (r"^Input should be a valid list", "muss eine Liste sein"),
    (r"^Input should be 'exhibit' or 'topic'", "muss 'exhibit' oder 'topic' sein"),
    (r"^List should have at least 1 item after validation, not 0",
     "braucht mindestens einen Eintrag"),
    (r"^List should have at most (\d+) items? after validation, not (\d+)",
     r"höchstens \1 Einträge (es sind \2)"),
    # the catalogue's and the validator's messages
    (r"^text in (\w+(?: and \w+)?) is missing \(give both de and en, or set "
     r"exhibition\.fallback_language\)",
     r"Text in \1 fehlt (beide Sprachen angeben oder eine Ersatzsprache festlegen)"),
    (r"^is ([\d,]+) characters long; at most ([\d,]+) are allowed",
     r"ist \1 Zeichen lang; höchstens \2 sind erlaubt"),
    (r"^contains control or bidi characters \(([^)]*)\); remove them",
     r"enthält Steuer- oder Bidi-Zeichen (\1); bitte entfernen"),
    (r"^contains control or bidi characters \(([^)]*)\)",
     r"enthält Steuer- oder Bidi-Zeichen (\1)"),
    (r"^not an http\(s\) address: ", "keine http(s)-Adresse: "),
    (r"^an address is ([\d,]+) characters long; at most ([\d,]+) are allowed",
     r"eine Adresse ist \1 Zeichen lang; höchstens \2 sind erlaubt"),
    (r"^id is used more than once", "diese Kennung ist schon vergeben"),
    (r"^is also the id of an exhibit; ids must be unique",
     "ist auch die Kennung eines Exponats; Kennungen müssen eindeutig sein"),
    (r"^unknown category " + _Q + r" \(known: ", r"unbekannte Kategorie \1 (bekannt: "),
    (r"^unknown zone " + _Q + r" \(known: ", r"unbekannter Bereich \1 (bekannt: "),
    (r"^unknown department " + _Q + r" \(known: ", r"unbekannter Fachbereich \1 (bekannt: "),
    (r"^unknown city " + _Q + r" \(known: ", r"unbekannte Stadt \1 (bekannt: "),
    (r"^unknown exhibit " + _Q, r"unbekanntes Exponat \1"),
    (r"^has no polygon for this zone",
     "für diesen Bereich ist noch keine Fläche gezeichnet (im Gelände auf der Karte zeichnen)"),
    (r"^\(([-\d.]+), ([-\d.]+)\) lies outside the site outline in (\S+)",
     r"(\1, \2) liegt außerhalb des Geländeumrisses in \3"),
    (r"^is " + _Q + r" but the location lies in zone " + _Q + r" of (\S+)",
     r"ist \1, aber der Ort liegt im Bereich \2 von \3"),
    (r"^is " + _Q + r" but the location lies in no zone of (\S+)",
     r"ist \1, aber der Ort liegt in keinem Bereich von \2"),
    (r"^is (\d+) m from the nearest footpath \(at most (\d+) m\): extend ",
     r"ist \1 m vom nächsten Fußweg entfernt (höchstens \2 m): verlängern Sie "),
    (r"^is true, but the exhibit can only be reached over steps: ",
     "ist ja, aber das Exponat ist nur über Stufen erreichbar: "),
    (r"its nearest path " + _Q + r" is not step-free",
     r"sein nächster Weg \1 ist nicht stufenlos"),
    (r"no step-free path links it to a step-free entrance",
     "kein stufenloser Weg verbindet es mit einem stufenlosen Eingang"),
    (r"^expected a time as 'HH:MM'", "erwartet eine Uhrzeit wie 'HH:MM'"),
    (r"^expected a date as 'YYYY-MM-DD'", "erwartet ein Datum wie 'JJJJ-MM-TT'"),
    (r"^image_alt is given but image is not",
     "eine Bildbeschreibung gibt es nur zu einem Foto"),
    (r"^image_credit is given but image is not",
     "einen Bildnachweis gibt es nur zu einem Foto"),
    # photos (the data folder's image rules) and their credit line
    (r"(^|: )is empty; name who took the photo and its licence, or leave the field out",
     r"\1ist leer; nennen Sie, wer das Foto gemacht hat, und seine Lizenz"),
    (r"(^|: )expected one line of text such as ", r"\1erwartet eine Textzeile wie "),
    (r"^credit and licence: ", "Bildnachweis und Lizenz: "),
    (r"^" + _Q + r" is not a readable PNG, JPEG or WebP image",
     r"\1 ist kein lesbares PNG-, JPEG- oder WebP-Bild"),
    (r"^" + _Q + r" is damaged and cannot be read as an image",
     r"\1 ist beschädigt und kann nicht als Bild gelesen werden"),
    (r"^" + _Q + r" is empty", r"\1 ist leer"),
    (r"^" + _Q + r" is ([\d,]+) bytes; at most ([\d,]+) \(1 MB\) are allowed",
     r"\1 hat \2 Byte; höchstens \3 (1 MB) sind erlaubt"),
    (r"^" + _Q + r" is a (\w+) file, not (\w+) as its name says",
     r"\1 ist eine \2-Datei, nicht \3, wie der Name sagt"),
    (r"^" + _Q + r" has (\d+) x (\d+) pixels; ", r"\1 hat \2 x \3 Pixel; "),
    (r"^" + _Q + r" is too large: ", r"\1 ist zu groß: "),
    (r"at most ([\d,]+) pixels are allowed", r"höchstens \1 Pixel sind erlaubt"),
    (r"^file not found: " + _Q + r" \(paths are relative to the data folder\)",
     r"Datei nicht gefunden: \1 (Pfade gelten relativ zum Datenordner)"),
    # the lists' edits (dashboard.editor.lists)
    (r"^category " + _Q + r" is used by ", r"Kategorie \1 wird verwendet von "),
    (r"^zone " + _Q + r" is used by ", r"Bereich \1 wird verwendet von "),
    (r"^department " + _Q + r" is used by ", r"Fachbereich \1 wird verwendet von "),
    (r"^city " + _Q + r" is used by ", r"Stadt \1 wird verwendet von "),
    (r": give them another one first$", ": ordnen Sie diesen zuerst etwas anderes zu"),
    (r"^category " + _Q + r" is the last one; the list needs at least one",
     r"Kategorie \1 ist die letzte; es braucht mindestens eine"),
    (r"^zone " + _Q + r" is the last one; the list needs at least one",
     r"Bereich \1 ist der letzte; es braucht mindestens einen"),
    (r"^department " + _Q + r" is the last one; the list needs at least one",
     r"Fachbereich \1 ist der letzte; es braucht mindestens einen"),
    (r"^city " + _Q + r" is the last one; the list needs at least one",
     r"Stadt \1 ist die letzte; es braucht mindestens eine"),
    (r"\bexhibit " + _Q, r"Exponat \1"),
    (r"\bcity " + _Q, r"Stadt \1"),
    (r"the exhibition \(default_city\)", "der Ausstellung (Standardstadt)"),
    (r" and (\d+) more", r" und \1 weiteren"),
    # shared fragments
    (r" \(got ", " (gefunden: "),
    (r"\((\d[\d,]*) characters\)", r"(\1 Zeichen)"),
]]


def localize(message: str, lang: str) -> str:
    """The message in the page's language (German: translated where known, else as is)."""
    if lang != "de":
        return message
    text, _ = _translate(message)
    return text


def is_known(message: str) -> bool:
    """Whether a German translation covers the message (one of the whole-message patterns
    matched at its start)."""
    return _translate(message)[1]


def _translate(message: str) -> tuple[str, bool]:
    text, known = message, False
    for pattern, german in _GERMAN:
        text, count = pattern.subn(german, text)
        known = known or bool(count and pattern.pattern.startswith("^"))
    return text, known

"""The review's domain without a database: safe Markdown, roles, exhibit status, curated notes,
the workshop's grouping rule and the insights data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard import catalog as cat
from dashboard.review import domain
from dashboard.review.markdown import is_safe_link, plain_text, render_html
from dashboard.roles import (
    Actor,
    PermissionDenied,
    Role,
    RolesFileError,
    actor_from_user,
    load_roles,
    parse_roles,
    require_city_writer,
    resolve_actor,
)
from dashboard.store import FollowUp, FollowUpStatus, Note, Topic, Transferability

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2019, 6, 1, 12, tzinfo=UTC)
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "${alert(1)}",
]


@pytest.fixture(scope="module")
def catalog() -> cat.Catalog:
    return cat.load(DATA)


def note(exhibit="skaio", city="konstanz", department="bauwesen", relevance=4,
         transferability="adapt", note_id=1, deleted=False, text="t") -> Note:
    return Note(
        id=note_id, exhibition_id="buga2019-heilbronn", exhibit_id=exhibit, city_id=city,
        department=department, author="A", text=text, relevance=relevance,
        transferability=Transferability(transferability), tags=(), shared=True, version=1,
        created_at=NOW, updated_at=NOW, deleted_at=NOW if deleted else None,
    )


def follow_up(exhibit="skaio", city="konstanz", status="open", due=None) -> FollowUp:
    return FollowUp(
        id=1, exhibition_id="buga2019-heilbronn", city_id=city, note_id=None,
        exhibit_id=exhibit, idea_id=None, action="a", owner="o", due=due,
        status=FollowUpStatus(status), version=1, created_at=NOW, updated_at=NOW,
    )


def topic(topic_id, title, exhibits=(), tags=()) -> Topic:
    return Topic(
        id=topic_id, exhibition_id="x", city_id="konstanz", author="A", title=title, text="",
        department=None, exhibits=tuple(exhibits), tags=tuple(tags), version=1,
        created_at=NOW, updated_at=NOW,
    )


# --- safe Markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_note_texts_render_as_inert_text(text: str):
    rendered = render_html(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert not re.search(r"<a\b", rendered)
    assert "javascript:" not in rendered.split("href=")[-1] or "href=" not in rendered
    assert "${" not in rendered
    assert re.fullmatch(r"<p>[^<>]*</p>\n", rendered), rendered


def test_hostile_texts_keep_their_words():
    assert render_html(HOSTILE[0]) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    assert render_html(HOSTILE[1]) == "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"
    assert render_html(HOSTILE[2]) == "<p>[x](javascript:alert(1))</p>\n"
    assert render_html(HOSTILE[3]) == "<p>&#36;{alert(1)}</p>\n"


def test_markdown_still_works_and_links_are_safe():
    rendered = render_html("**wichtig** und [Quelle](https://konstanz.de/522791)\n\n- eins")
    assert "<strong>wichtig</strong>" in rendered and "<li>eins</li>" in rendered
    assert ('<a href="https://konstanz.de/522791" rel="noopener noreferrer nofollow" '
            'target="_blank">Quelle</a>') in rendered


@pytest.mark.parametrize("text", [
    "[x](JavaScript:alert(1))", "[x](java\tscript:alert(1))", "[x](data:text/html,<b>)",
    "[x](vbscript:msgbox)", "<javascript:alert(1)>", "![x](https://tracker.example/p.png)",
    "[x](/review?city=heilbronn)", '<a href="javascript:alert(1)">x</a>',
])
def test_no_dangerous_links_or_images(text: str):
    rendered = render_html(text)
    assert "<img" not in rendered
    for href in re.findall(r'href="([^"]*)"', rendered):
        assert href.startswith(("https://", "http://", "mailto:")), href


def test_link_check_and_plain_text():
    assert is_safe_link("https://a.de") and is_safe_link("mailto:a@b.de")
    assert not is_safe_link("javascript:alert(1)") and not is_safe_link(" jav\nascript:x")
    assert plain_text("<b>x</b>\n `${y}`") == "&lt;b&gt;x&lt;/b&gt; &#96;&#36;{y}&#96;"


# --- roles -----------------------------------------------------------------------------------


def test_who_may_write_which_city():
    kn = Actor.navigator("konstanz", "Anna")
    assert kn.can_write_city("konstanz") and not kn.can_write_city("heilbronn")
    assert require_city_writer(kn, "konstanz") is kn
    for actor in (Actor.visitor(), Actor.guide("G"), kn, None):
        with pytest.raises(PermissionDenied):
            require_city_writer(actor, "heilbronn")
    assert Actor.admin().can_write_city("heilbronn")
    assert Actor.workshop("  Gast\n<b> ").can_write_city("ulm")
    assert Actor.workshop("  Gast\n<b> ").name == "Gast <b>"
    assert Actor.guide().can_manage_tours and not Actor.visitor().can_write


def test_actor_from_claims_and_roles_file(tmp_path: Path):
    roles_file = tmp_path / "roles.yaml"
    roles_file.write_text(
        "users:\n"
        "  Anna@Konstanz.de: {role: navigator, city: konstanz, name: Anna}\n"
        "  chef@example.org: {role: admin}\n",
        encoding="utf-8",
    )
    roles = load_roles(roles_file, cities=["konstanz", "heilbronn"])
    anna = actor_from_user({"email": "anna@konstanz.de", "name": "A. B."}, roles)
    assert (anna.role, anna.city, anna.name) == (Role.NAVIGATOR, "konstanz", "Anna")
    assert actor_from_user({"email": "chef@example.org"}, roles).role is Role.ADMIN
    assert actor_from_user({"email": "fremd@x.de"}, roles).role is Role.VISITOR
    assert actor_from_user({"email": "anna@konstanz.de", "email_verified": False},
                           roles).role is Role.VISITOR
    # A claim wins over the file; the highest role of a list; unknown cities are not trusted.
    claimed = actor_from_user({"email": "chef@example.org",
                               "lernreise_role": ["guide", "navigator:heilbronn"]}, roles)
    assert (claimed.role, claimed.city) == (Role.NAVIGATOR, "heilbronn")
    assert actor_from_user({"lernreise_role": "navigator:ulm"}, None,
                           cities=["konstanz"]).role is Role.VISITOR
    assert actor_from_user({"lernreise_role": "workshop"}).role is Role.VISITOR
    assert actor_from_user({"is_logged_in": False, "lernreise_role": "admin"}).role \
        is Role.VISITOR
    assert actor_from_user(None).role is Role.VISITOR


def test_open_workshop_mode_only_without_configuration():
    assert resolve_actor(auth_configured=False, typed_name="Gast").role is Role.WORKSHOP
    assert resolve_actor(auth_configured=True).role is Role.VISITOR
    roles = parse_roles({"users": {"a@b.de": {"role": "guide"}}})
    assert resolve_actor(auth_configured=False, roles=roles).role is Role.VISITOR
    assert resolve_actor(auth_configured=True, user={"email": "a@b.de"}, roles=roles).role \
        is Role.GUIDE


@pytest.mark.parametrize(("data", "message"), [
    ({"users": {"a@b.de": {"role": "navigator"}}}, "a navigator needs a city"),
    ({"users": {"a@b.de": {"role": "admin", "city": "konstanz"}}}, "only a navigator"),
    ({"users": {"a@b.de": {"role": "boss"}}}, "users.a@b.de.role"),
    ({"users": {"a@b.de": {"role": "navigator", "city": "ulm"}}}, "unknown city 'ulm'"),
    ({"user": {}}, "user"),
])
def test_bad_roles_files_say_what_is_wrong(data, message):
    with pytest.raises(RolesFileError, match=re.escape(message)):
        parse_roles(data, cities=["konstanz"])


def test_missing_or_broken_roles_file(tmp_path: Path):
    with pytest.raises(RolesFileError, match="cannot be read"):
        load_roles(tmp_path / "nope.yaml")
    (tmp_path / "bad.yaml").write_text("users: [", encoding="utf-8")
    with pytest.raises(RolesFileError, match="not valid YAML"):
        load_roles(tmp_path / "bad.yaml")


@pytest.mark.parametrize("users", [
    # Issue 18, 3: the same person twice made Anna an admin with no error.
    "  anna@konstanz.de: {role: navigator, city: konstanz}\n"
    "  ANNA@konstanz.de: {role: admin}\n",
    "  anna@konstanz.de: {role: navigator, city: konstanz}\n"
    "  anna@konstanz.de: {role: admin}\n",
    "  Anna@Konstanz.DE: {role: navigator, city: konstanz}\n"
    "  ' anna@konstanz.de': {role: admin}\n",
])
def test_the_same_person_twice_is_a_problem_not_an_escalation(tmp_path: Path, users: str):
    path = tmp_path / "roles.yaml"
    path.write_text("users:\n" + users, encoding="utf-8")
    with pytest.raises(RolesFileError) as info:
        load_roles(path, cities=["konstanz"])
    message = str(info.value)
    assert "roles.yaml" in message and "twice" in message and "each person once" in message
    assert "anna@konstanz.de" in message.lower()


def test_duplicate_keys_inside_an_entry_are_a_problem_too(tmp_path: Path):
    path = tmp_path / "roles.yaml"
    path.write_text("users:\n  a@b.de:\n    role: guide\n    role: admin\n", encoding="utf-8")
    with pytest.raises(RolesFileError, match=r"'role' appears twice \(lines 3 and 4\)"):
        load_roles(path)
    path.write_text("users: {}\nusers: {a@b.de: {role: admin}}\n", encoding="utf-8")
    with pytest.raises(RolesFileError, match="'users' appears twice"):
        load_roles(path)


# --- status, curated notes -------------------------------------------------------------------


def test_exhibit_status_for_a_city(catalog: cat.Catalog):
    notes = [
        note(relevance=5, transferability="adopt"), note(relevance=3, department="it"),
        note(relevance=1, transferability="adopt"),
        note(city="heilbronn"), note(exhibit="holzpavillon", deleted=True),
    ]
    follow_ups = [follow_up(), follow_up(status="done"), follow_up(city="heilbronn"),
                  follow_up(exhibit="holzpavillon", status="doing")]
    statuses = {s.exhibit_id: s for s in domain.exhibit_statuses(
        catalog, "konstanz", notes, follow_ups, tour_stops={"holzpavillon"})}
    assert len(statuses) == len(catalog.exhibits)
    skaio = statuses["skaio"]
    assert (skaio.notes, skaio.open_follow_ups, skaio.mean_relevance, skaio.on_tour) == (
        3, 1, 3.0, False)
    assert skaio.transferability == (Transferability.ADOPT, Transferability.ADAPT)
    assert "it" in skaio.departments
    pavilion = statuses["holzpavillon"]
    assert (pavilion.notes, pavilion.open_follow_ups, pavilion.on_tour) == (0, 1, True)

    only_it = domain.filter_statuses(statuses.values(), department="it", only_noted=True)
    assert [s.exhibit_id for s in only_it] == ["skaio"]
    assert domain.filter_statuses(statuses.values(), transferability="not_for_us") == []


def test_curated_notes_come_from_the_data(catalog: cat.Catalog):
    curated = domain.curated_notes(catalog, "de", exhibit_id="skaio")
    expected = catalog.exhibits["skaio"].city_notes
    assert {c.city_id for c in curated} == set(expected)
    assert all(c.curated for c in curated)
    assert curated[0].text == expected[curated[0].city_id].de
    all_heilbronn = domain.curated_notes(catalog, "en", city_id="heilbronn")
    assert all_heilbronn and {c.city_id for c in all_heilbronn} == {"heilbronn"}


def test_labels_in_both_languages():
    assert domain.transferability_label("not_for_us", "de") == "nicht für uns"
    assert domain.transferability_label(Transferability.ADOPT, "en") == "adopt"
    assert domain.status_label("doing", "de") == "in Arbeit"


# --- the workshop's grouping rule ------------------------------------------------------------


def test_topics_group_by_shared_exhibits_or_tags(catalog: cat.Catalog):
    topics = [
        topic(1, "Holzbau", exhibits=["skaio"], tags=["holz"]),
        topic(2, "Energie", exhibits=["quartiersenergie"]),
        topic(3, "Pavillons", exhibits=["holzpavillon"], tags=["holz"]),
        topic(4, "Forschung", exhibits=["holzpavillon", "faserpavillon"]),
        topic(5, "Netz", exhibits=["quartiersenergie"], tags=["strom"]),
        topic(6, "E-Akte", tags=["verwaltung"]),
    ]
    groups = domain.group_topics(topics)
    assert [g.topic_ids for g in groups] == [(1, 3, 4), (2, 5), (6,)]
    by_id = {t.id: t for t in topics}
    assert groups[0].reason(by_id, catalog, "de") == (
        "„Holzbau“ und „Pavillons“ teilen das Schlagwort holz; "
        "„Pavillons“ und „Forschung“ teilen das Exponat "
        f"{catalog.exhibits['holzpavillon'].name.de}."
    )
    assert groups[2].reason(by_id, catalog, "en") == "no shared exhibit or tag"
    # A stricter rule: at least two shared items.
    assert [g.topic_ids for g in domain.group_topics(topics, min_shared=2)] == [
        (1,), (2,), (3,), (4,), (5,), (6,)]


# --- insights --------------------------------------------------------------------------------


def test_relevance_by_category_and_department(catalog: cat.Catalog):
    notes = [note(relevance=5), note(relevance=2), note(department="it", relevance=3),
             note(relevance=1, deleted=True)]
    frame = domain.relevance_by_category_department(catalog, notes, "de")
    category = catalog.categories[catalog.exhibits["skaio"].category].name.de
    rows = {(r.category, r.department): (r.notes, r.mean_relevance)
            for r in frame.itertuples()}
    assert rows == {(category, "Bauwesen"): (2, 3.5), (category, "IT"): (1, 3.0)}
    assert list(domain.relevance_by_category_department(catalog, [], "de").columns) == [
        "category", "department", "notes", "mean_relevance"]


def test_department_exhibit_matrix(catalog: cat.Catalog):
    notes = [note(relevance=5), note(relevance=3), note(exhibit="holzpavillon", department="it")]
    matrix = domain.department_exhibit_matrix(catalog, notes, "de")
    skaio, pavilion = (catalog.exhibits[e].name.de for e in ("skaio", "holzpavillon"))
    assert matrix.loc["Bauwesen", skaio] == 4.0 and matrix.loc["IT", pavilion] == 4.0
    assert matrix.isna().loc["Bauwesen", pavilion]
    counts = domain.department_exhibit_matrix(catalog, notes, "de", value="notes")
    assert counts.loc["Bauwesen", skaio] == 2
    assert domain.department_exhibit_matrix(catalog, [], "de").empty


def test_interest_columns_keep_text_plain_for_pydeck(catalog: cat.Catalog):
    """Plain text: the deck shows it in a "text" tooltip (innerText); Streamlit escapes the
    values of "html" tooltips itself, so escaped text would show "&amp;" (maps.interest_deck)."""
    skaio = catalog.exhibits["skaio"]
    hostile = skaio.model_copy(update={"name": cat.Localized(de=HOSTILE[1] + " ${x} `y`")})
    changed = dataclasses.replace(catalog, exhibits={**catalog.exhibits, "skaio": hostile})
    notes = [note(relevance=5), note(relevance=3), note(exhibit="holzpavillon", relevance=2)]
    columns = domain.interest_columns(changed, notes, "de")
    assert [c["exhibit_id"] for c in columns] == ["skaio", "holzpavillon"]
    first = columns[0]
    assert (first["notes"], first["mean_relevance"], first["interest"]) == (2, 4.0, 8.0)
    assert first["elevation"] == 8.0 * 15
    assert first["name"] == HOSTILE[1] + " ${x} `y`"
    color = catalog.categories[skaio.category].color
    assert first["color"] == [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    assert (first["lon"], first["lat"]) == (skaio.location.lon, skaio.location.lat)


def test_saved_tour_stops():
    @dataclasses.dataclass
    class Saved:
        spec: dict

    saved = [Saved({"stops": ["a", "b"]}), Saved({"stops": ["b", "c"]})]
    assert domain.saved_tour_stops(saved) == {"a", "b", "c"}


# --- the programme (optional programme.yaml) -------------------------------------------------

PROGRAMME = """
title: {de: "#KNmeetsHN", en: "#KNmeetsHN"}
date: 2019-06-20
city: heilbronn
sessions:
  - id: gruppen-bau
    title: {de: "Gruppe Bauwesen", en: "Building group"}
    start: "11:00"
    end: 12:30
    kind: group
    place_id: skaio
    departments: [bauwesen]
    guiding_questions:
      - {de: "Was würden wir übernehmen?", en: "What would we adopt?"}
  - id: begruessung
    title: {de: "Begrüßung", en: "Welcome"}
    start: "10:00"
    end: "10:30"
    place: {de: "Bürgerhaus", en: "Community centre"}
    guiding_questions:
      - {de: "Was wollen wir heute lernen?"}
"""


def test_programme_loads_and_gives_questions(tmp_path: Path, catalog: cat.Catalog):
    from dashboard.programme import load_programme

    assert load_programme(tmp_path, catalog) is None  # optional
    (tmp_path / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    programme = load_programme(tmp_path, catalog)
    assert programme is not None and programme.date == dt.date(2019, 6, 20)
    assert [s.id for s in programme.sessions] == ["begruessung", "gruppen-bau"]
    assert programme.sessions[1].end == dt.time(12, 30)  # YAML's base-60 12:30 read back
    assert [q.de for _, q in programme.questions_for("bauwesen")] == [
        "Was wollen wir heute lernen?", "Was würden wir übernehmen?"]
    assert [q.de for _, q in programme.questions_for("it")] == ["Was wollen wir heute lernen?"]
    assert [s.id for s in programme.now(dt.time(11, 30))] == ["gruppen-bau"]


def test_programme_mistakes_are_all_reported(tmp_path: Path, catalog: cat.Catalog):
    from dashboard.errors import DataError
    from dashboard.programme import load_programme

    broken = (PROGRAMME.replace("place_id: skaio", "place_id: nirgendwo")
              .replace("[bauwesen]", "[gaertnerei]").replace('end: "10:30"', 'end: "09:00"')
              .replace("city: heilbronn", "city: ulm"))
    (tmp_path / "programme.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_programme(tmp_path, catalog)
    text = str(info.value)
    assert "4 problems" in text
    assert "unknown exhibit or entrance 'nirgendwo'" in text
    assert "unknown department 'gaertnerei'" in text
    assert "ends (09:00) before it starts (10:00)" in text
    assert "unknown city 'ulm'" in text


@pytest.mark.parametrize("first", ["dashboard.roles", "dashboard.review.domain",
                                   "dashboard.report", "dashboard.store"])
def test_modules_import_in_any_order(first: str):
    """roles and the store import each other's modules: each must work as the first import."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", f"import {first}"], capture_output=True,
                            text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr


def test_plain_text_of_markdown_for_the_pdf():
    from dashboard.review.markdown import to_plain

    assert to_plain("Holz für **Schulen** [prüfen](https://a.de).\n\n- eins\n- zwei") == (
        "Holz für Schulen prüfen.\n• eins\n• zwei")
    for text in HOSTILE:  # shown as the words that were typed
        assert to_plain(text) == text


def test_plural_forms_come_from_cldr():
    """One lookup for every label; plural forms by the language's rule (Babel), numbers as
    the language writes them."""
    from dashboard.i18n import plural

    assert plural("review.fu_count", "de", 1, late=0) == "1 Folgeaufgabe, davon 0 überfällig"
    assert plural("review.fu_count", "de", 2, late=1) == "2 Folgeaufgaben, davon 1 überfällig"
    assert plural("review.fu_count", "en", 0, late=0) == "0 follow-ups, 0 overdue"
    assert plural("review.fu_count", "de", 1234, late=0).startswith("1.234 Folgeaufgaben")
    assert plural("review.fu_count", "en", 1234, late=0).startswith("1,234 follow-ups")
    assert plural("review.fu_count", "xx", 1, late=0).startswith("1 Folgeaufgabe,")
    assert domain.label("adopt", "en") == "adopt" and domain.label("adopt", "de") == "übernehmen"
    assert domain.label("adopt", "xx") == "übernehmen"  # the one fallback: German

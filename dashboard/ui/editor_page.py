"""The exhibition editor's Streamlit glue (/edit): widgets in, dashboard.editor calls, out.

The page's state is one typed object (`EditorState`, keys under "edit."): the exhibition open,
its draft's files and revision as loaded, the published head, the exhibit selected and a
tapped place. Every change is saved to the draft at once with the revision it started from,
so two editors at once get a conflict message instead of overwriting each other, and the
person who lost keeps what they typed (the form's widgets keep their values).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
import streamlit_folium

from dashboard import catalog as cat
from dashboard import settings
from dashboard.editor import access, bundle, draft, drawing, editmap, lists, messages, photos
from dashboard.editor.form import ExhibitForm, check_exhibit, with_exhibit
from dashboard.i18n import t
from dashboard.importers import osm, points, table
from dashboard.store import StoreError
from dashboard.store.exhibitions import ExhibitionConflict, ExhibitionStore, InvalidExhibition
from dashboard.ui import auth, common

PREFIX = "edit."
SECTIONS = ("site", "exhibits", "lists", "import", "photos", "publish")
LIST_KINDS = ("category", "zone", "department", "city")
_FORM = PREFIX + "f."  # the exhibit form's widget keys


@dataclass
class EditorState:
    exhibition: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    revision: int = 0
    head: int = 0
    selected: str | None = None  # exhibit id in the form; None: a new exhibit
    last_click: tuple[float, float] | None = None
    message: tuple[str, str] | None = None  # (level, text) of the last change, shown once
    conflict: bool = False  # the last save met a newer draft: offer to load it
    section: str = ""  # the section the message belongs to
    # The category, zone, department or city open in the lists' form (None: a new one).
    list_selected: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls) -> EditorState:
        return st.session_state.setdefault(PREFIX + "state", cls())

    def save(self) -> None:
        st.session_state[PREFIX + "state"] = self


@st.cache_resource(show_spinner=False)
def _store(url: str) -> ExhibitionStore:
    return ExhibitionStore(url)


def store() -> ExhibitionStore:
    return _store(settings.get("LERNREISE_DATABASE_URL"))


def folder_catalog(lang: str) -> cat.Catalog:
    """The catalogue of the data folder (LERNREISE_DATA_DIR), for the account bar's cities:
    the editor must open also while LERNREISE_EXHIBITION names a version not published yet."""
    folder = settings.data_dir()
    try:
        return common._load_catalog(str(folder), common._fingerprint(folder))
    except cat.DataError:
        return common.load_catalog(lang)  # shows the folder's problems


def account(catalog: cat.Catalog, lang: str) -> access.Actor:
    """The signed-in actor; a read-only notice and st.stop() for anyone who may not edit."""
    actor = auth.account_bar(catalog, lang)
    if not access.may_edit(actor):
        common.notice("info", t("edit.read_only", lang), icon=":material/lock:")
        st.stop()
    return actor


@st.cache_data(show_spinner=False, max_entries=32)
def _problems(digest: str, _content: bytes, lang: str) -> list[str]:
    files, _ = bundle.from_zip(_content)
    return [str(dataclasses.replace(p, message=_say(p.message, lang)))
            for p in bundle.check(files)]


def draft_problems(state: EditorState, lang: str) -> list[str]:
    content = bundle.to_zip(state.files)
    return _problems(hashlib.sha256(content).hexdigest(), content, lang)


def _commit(state: EditorState, actor: access.Actor, files: dict[str, bytes], lang: str,
            done: str) -> bool:
    """Save `files` as the draft; a conflict or store error becomes the page's message (shown
    on the rerun, under the section picker), and the form keeps what was typed."""
    try:
        saved = store().save_draft(actor, state.exhibition, files, revision=state.revision)
    except ExhibitionConflict:
        state.message, state.conflict = ("error", t("edit.conflict", lang)), True
        state.save()
        st.rerun()
    except StoreError as exc:
        state.message = ("error", str(exc))
        state.save()
        st.rerun()
    state.files, state.revision, state.conflict = files, saved.draft_revision, False
    state.message = ("success", done)
    state.save()
    return True


def message(state: EditorState, section_name: str) -> None:
    """The outcome of the last change, until the next change or another section (a map's
    own reruns must not wipe it)."""
    if section_name != state.section:
        state.section, state.message = section_name, None
        state.save()
    if state.message:
        level, text = state.message
        common.notice(level, text)


def reload_button(state: EditorState, lang: str) -> None:
    """After a conflict: take the newer draft (what was typed stays in the form)."""
    if state.conflict and st.button(t("edit.reload", lang), key=PREFIX + "reload",
                                    icon=":material/refresh:"):
        selected = state.selected
        _open(state, state.exhibition)
        state.selected = selected  # the form is not refilled: it keeps what was typed
        state.save()
        st.rerun()


def _open(state: EditorState, exhibition_id: str | None) -> None:
    state.exhibition, state.selected, state.last_click, state.message = \
        exhibition_id, None, None, None
    state.conflict = False
    if exhibition_id:
        info, files = store().draft(exhibition_id)
        state.files, state.revision, state.head = files, info.draft_revision, info.head
    state.save()


# --------------------------------------------------------------------------- exhibition


def choose_exhibition(state: EditorState, actor: access.Actor, lang: str) -> str | None:
    """Pick an exhibition or make a new one; the id of the one open."""
    try:
        # Only the exhibitions this person may edit (an "editor:testgarten" sees that one).
        known = {e.id: e.name for e in store().list() if access.may_edit(actor, e.id)}
    except StoreError as exc:
        common.notice("error", str(exc))
        st.stop()
    options = ["", *known]
    if (upcoming := st.session_state.pop(PREFIX + "pick-next", None)) is not None:
        st.session_state[PREFIX + "pick"] = upcoming  # set before the widget is drawn
    if st.session_state.get(PREFIX + "pick") not in options:
        st.session_state[PREFIX + "pick"] = state.exhibition if state.exhibition in known else ""
    picked = st.selectbox(t("edit.exhibition", lang), options,
                          format_func=lambda i: known.get(i, t("edit.none", lang)) if i else
                          t("edit.pick", lang), key=PREFIX + "pick")
    if picked != (state.exhibition or ""):
        _open(state, picked or None)
    if access.may_create(actor):
        with st.expander(t("edit.new", lang), expanded=not known, icon=":material/add:"):
            _new_form(state, actor, lang)
    elif not known:
        common.notice("info", t("edit.none_yours", lang), icon=":material/lock:")
    return state.exhibition


def _new_form(state: EditorState, actor: access.Actor, lang: str) -> None:
    zones = sorted(zoneinfo.available_timezones())
    with st.form(PREFIX + "new", border=False):
        c1, c2 = st.columns(2)
        name_de = c1.text_input(t("edit.name_de", lang), max_chars=120)
        name_en = c2.text_input(t("edit.name_en", lang), max_chars=120)
        c1, c2 = st.columns(2)
        start = c1.date_input(t("edit.start", lang), value=None)
        end = c2.date_input(t("edit.end", lang), value=None)
        c1, c2, c3 = st.columns(3)
        opens = c1.time_input(t("edit.open", lang), value=dt.time(9, 0))
        closes = c2.time_input(t("edit.close", lang), value=dt.time(18, 0))
        tz = c3.selectbox(t("edit.timezone", lang), zones, index=zones.index("Europe/Berlin"))
        languages = st.multiselect(t("edit.languages", lang), ["de", "en"], default=["de", "en"])
        group = st.text_input(t("edit.group", lang), value=t("edit.group_default", lang))
        upload = st.file_uploader(t("edit.from_zip", lang), type=["zip"])
        if st.form_submit_button(t("edit.create", lang), icon=":material/add:"):
            _create(state, actor, lang, name_de, name_en, start, end, opens, closes, tz,
                    languages, group, upload)


def _create(state, actor, lang, name_de, name_en, start, end, opens, closes, tz, languages,
            group, upload) -> None:
    name = name_de.strip() or name_en.strip()
    if upload is not None:
        try:
            files, notices = bundle.from_zip(upload.getvalue())
        except (bundle.BundleError, ValueError) as exc:
            common.notice("error", str(exc))
            return
        section = draft.exhibition_section(files)
        ident = str(section.get("id") or draft.slug(name or upload.name, "ausstellung"))
        name = name or str((section.get("name") or {}).get(lang) or ident)
        for note in notices:
            common.caption(note)
    else:
        if not name or not languages:
            common.notice("error", t("edit.need_name", lang))
            return
        ident = draft.slug(name, "ausstellung")
        meta = draft.ExhibitionMeta(
            id=ident, name_de=name_de or name, name_en=name_en or name, timezone=tz,
            start_date=start, end_date=end, open=opens.strftime("%H:%M"),
            close=closes.strftime("%H:%M"), languages=tuple(languages),
            city_de=group, city_en=group)
        files = draft.new_exhibition(meta)
    try:
        store().create(actor, ident, name, files)
    except StoreError as exc:
        common.notice("error", str(exc))
        return
    _open(state, ident)
    st.session_state[PREFIX + "pick-next"] = ident
    st.rerun()


def section(lang: str) -> str:
    return st.segmented_control(
        t("edit.section", lang), SECTIONS, key=PREFIX + "section", default="site",
        format_func=lambda s: t(f"edit.section.{s}", lang), label_visibility="collapsed",
        width="stretch") or "site"


def problems_box(state: EditorState, lang: str) -> list[str]:
    problems = draft_problems(state, lang)
    if problems:
        with st.expander(t("edit.problems", lang, count=len(problems)),
                         icon=":material/error:"):
            common.bullets(problems)
    else:
        common.notice("success", t("edit.valid", lang), icon=":material/check_circle:")
    return problems


def show_section(name: str, state: EditorState, actor: access.Actor, problems: list[str],
                 lang: str) -> None:
    if name == "publish":
        publish_section(state, actor, problems, lang)
    else:
        {"site": site_section, "exhibits": exhibits_section, "lists": lists_section,
         "import": import_section, "photos": photos_section}[name](state, actor, lang)


# --------------------------------------------------------------------------- site


def _layers(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    return {layer: draft.read_layer(files, layer)
            for layer in ("site", "zones", "water", "buildings", "paths")
            if draft.GEO.format(layer) in files}


def site_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    # A taken site empties the uploader (a new key), so the map to draw on comes next.
    upload = st.file_uploader(t("edit.osm_upload", lang),
                              key=f"{PREFIX}osm-{st.session_state.get(PREFIX + 'osm-n', 0)}",
                              type=["osm", "xml", "pbf", "geojson", "json"])
    if upload is None:
        common.caption(t("edit.osm_hint", lang))
        draw_section(state, actor, lang)
        return
    result = _read_site(upload.name, upload.getvalue())
    if isinstance(result, str):
        common.notice("error", result)
        return
    for problem in result.problems:
        common.notice("error", problem)
    common.text(t("edit.osm_found", lang, paths=result.count("paths"),
                  buildings=result.count("buildings"), water=result.count("water")))
    common.bullets(result.notes)
    if result.layers:
        streamlit_folium.st_folium(editmap.editor_map(result.layers, [], lang=lang),
                                   key=PREFIX + "osm-preview", height=420, returned_objects=[],
                                   use_container_width=True)
    take = result.ok and st.button(t("edit.osm_take", lang), key=PREFIX + "osm-take",
                                   type="primary", icon=":material/check:")
    if take and _commit(state, actor, draft.with_site(state.files, result.layers), lang,
                        t("edit.osm_taken", lang)):
        st.session_state[PREFIX + "osm-n"] = st.session_state.get(PREFIX + "osm-n", 0) + 1
        st.rerun()


def draw_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    """Draw and edit the footpaths, the outline or a zone's area on the map (Leaflet.draw);
    what is drawn is saved to the draft only with the button (the map itself writes
    nothing)."""
    zone_ids = [str(z.get("id")) for z in lists.items(state.files, "zone")]
    targets = ["paths", "site", *(f"zone:{z}" for z in zone_ids)]
    zone_names = {str(z.get("id")): (z.get("name") or {}).get(lang) or str(z.get("id"))
                  for z in lists.items(state.files, "zone")}
    if st.session_state.get(PREFIX + "draw-target") not in targets:
        st.session_state[PREFIX + "draw-target"] = "paths"
    chosen = st.selectbox(
        t("edit.draw.target", lang), targets, key=PREFIX + "draw-target",
        format_func=lambda x: t("edit.draw.zone", lang, zone=zone_names.get(x[5:], x[5:]))
        if x.startswith("zone:") else t(f"edit.draw.{x}", lang))
    target, zone = (("zone", chosen[5:]) if chosen.startswith("zone:") else (chosen, None))
    common.caption(t(f"edit.draw.hint_{'paths' if target == 'paths' else 'area'}", lang))
    layers = _layers(state.files)
    features = drawing.features_of(state.files, target, zone)
    result = streamlit_folium.st_folium(
        editmap.drawing_map(layers, draft.exhibits(state.files), target, features, lang=lang),
        key=f"{PREFIX}draw-{chosen}-{state.revision}", height=460,
        returned_objects=["all_drawings"], use_container_width=True)
    drawn = (result or {}).get("all_drawings")
    if drawn is None:
        return
    files = drawing.apply(state.files, target, drawn, zone)
    if files == state.files:
        return
    common.text(t("edit.draw.changed", lang, count=len(drawing.features_of(files, target,
                                                                           zone))))
    if st.button(t("edit.draw.save", lang), key=PREFIX + "draw-save", type="primary",
                 icon=":material/save:") and _commit(state, actor, files, lang,
                                                     t("edit.draw.saved", lang)):
        st.rerun()


@st.cache_data(show_spinner=False, max_entries=8)
def _read_site(name: str, content: bytes) -> osm.SiteImport | str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="lernreise-osm-") as scratch:
        path = Path(scratch) / Path(name).name
        path.write_bytes(content)
        try:
            return osm.read_site(path, label=name)
        except osm.OsmImportError as exc:
            return str(exc)


# --------------------------------------------------------------------------- exhibits


def _form_key(name: str) -> str:
    return _FORM + name


def _fill_form(values: ExhibitForm) -> None:
    for name, value in values.values().items():
        st.session_state[_form_key(name)] = value
    st.session_state[PREFIX + "rest"] = values.rest


def exhibits_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    items = draft.exhibits(state.files)
    ids = [str(e.get("id")) for e in items]
    names = {str(e.get("id")): (e.get("name") or {}).get(lang) or e.get("id") for e in items}
    options = ["", *ids]
    if (upcoming := st.session_state.pop(PREFIX + "exhibit-next", None)) is not None:
        st.session_state[PREFIX + "exhibit"] = upcoming  # set before the widget is drawn
    chosen = st.selectbox(t("edit.exhibit", lang), options, key=PREFIX + "exhibit",
                          format_func=lambda i: names.get(i, i) if i else t("edit.new_exhibit",
                                                                            lang))
    if (chosen or None) != state.selected or _form_key("id") not in st.session_state:
        state.selected = chosen or None
        source = next((e for e in items if e.get("id") == chosen), None)
        blank = ExhibitForm(category=(draft.categories(state.files) or [{}])[0].get("id", ""),
                            zone=(draft.zones(state.files) or [{}])[0].get("id", ""))
        _fill_form(ExhibitForm.from_exhibit(source) if source else blank)
        state.save()
    if st.toggle(t("edit.drag", lang), key=PREFIX + "drag"):
        drag_markers(state, actor, items, lang)
        return
    common.caption(t("edit.tap_hint", lang))
    pending = (st.session_state[_form_key("lat")], st.session_state[_form_key("lon")])
    clicked = streamlit_folium.st_folium(
        editmap.editor_map(_layers(state.files), items, selected=state.selected,
                           pending=pending if pending != (0.0, 0.0) else None, lang=lang),
        key=PREFIX + "map", height=440, returned_objects=["last_clicked"],
        use_container_width=True)
    click = (clicked or {}).get("last_clicked")
    if click and (click["lat"], click["lng"]) != state.last_click:
        state.last_click = (click["lat"], click["lng"])
        st.session_state[_form_key("lat")] = round(float(click["lat"]), 7)
        st.session_state[_form_key("lon")] = round(float(click["lng"]), 7)
        state.save()
    _exhibit_form(state, actor, lang)


def _say(message: str, lang: str) -> str:
    """A validator's (or an editor module's) message in the page's language."""
    return messages.localize(message, lang)


def drag_markers(state: EditorState, actor: access.Actor, items: list[dict[str, Any]],
                 lang: str) -> None:
    """Move exhibits by dragging their markers (the drawing tool's edit mode); the places
    are saved with the button."""
    common.caption(t("edit.drag_hint", lang))
    result = streamlit_folium.st_folium(
        editmap.drawing_map(_layers(state.files), items, "exhibits",
                            drawing.features_of(state.files, "exhibits"), lang=lang),
        key=f"{PREFIX}drag-map-{state.revision}", height=460,
        returned_objects=["all_drawings"], use_container_width=True)
    drawn = (result or {}).get("all_drawings")
    moved = drawing.moved_exhibits(state.files, drawn) if drawn else []
    if not moved:
        return
    names = {str(e.get("id")): (e.get("name") or {}).get(lang) or e.get("id") for e in items}
    common.text(t("edit.drag_moved", lang, names=", ".join(names.get(m, m) for m in moved)))
    if st.button(t("edit.drag_save", lang, count=len(moved)), key=PREFIX + "drag-save",
                 type="primary", icon=":material/save:") and _commit(
            state, actor, drawing.apply(state.files, "exhibits", drawn), lang,
            t("edit.drag_saved", lang, count=len(moved))):
        now = next((e for e in draft.exhibits(state.files) if e.get("id") == state.selected),
                   None)
        if now and state.selected in moved:  # the open form follows; its typed text stays
            st.session_state[_form_key("lat")] = now["location"]["lat"]
            st.session_state[_form_key("lon")] = now["location"]["lon"]
        st.rerun()


def _field_problem(by_field: dict[str, list[str]], name: str, lang: str) -> None:
    for text in by_field.get(name, []):
        st.caption(":red[" + common.md_escape(_say(text, lang)) + "]")


def _exhibit_form(state: EditorState, actor: access.Actor, lang: str) -> None:
    k = _form_key
    cats = [str(c.get("id")) for c in draft.categories(state.files)]
    zones = [str(z.get("id")) for z in draft.zones(state.files)]
    departments = [str(d.get("id")) for d in draft.read_yaml(state.files, cat.CITIES_FILE)
                   .get("departments") or [] if isinstance(d, dict)]
    c1, c2 = st.columns(2)
    c1.text_input(t("edit.f.name_de", lang), key=k("name_de"), max_chars=120)
    c2.text_input(t("edit.f.name_en", lang), key=k("name_en"), max_chars=120)
    by_field = st.session_state.get(PREFIX + "by_field", {})
    _field_problem(by_field, "name", lang)
    c1, c2 = st.columns(2)
    c1.text_area(t("edit.f.summary_de", lang), key=k("summary_de"), max_chars=300, height=80)
    c2.text_area(t("edit.f.summary_en", lang), key=k("summary_en"), max_chars=300, height=80)
    _field_problem(by_field, "summary", lang)
    c1, c2 = st.columns(2)
    c1.text_area(t("edit.f.description_de", lang), key=k("description_de"), height=100)
    c2.text_area(t("edit.f.description_en", lang), key=k("description_en"), height=100)
    _field_problem(by_field, "description", lang)
    c1, c2 = st.columns(2)
    c1.selectbox(t("edit.f.category", lang), cats, key=k("category"))
    c2.selectbox(t("edit.f.zone", lang), zones, key=k("zone"))
    c1, c2 = st.columns(2)
    c1.number_input(t("edit.f.lat", lang), key=k("lat"), format="%.6f", step=0.00001)
    c2.number_input(t("edit.f.lon", lang), key=k("lon"), format="%.6f", step=0.00001)
    _field_problem(by_field, "location", lang)
    c1, c2, c3 = st.columns(3)
    c1.number_input(t("edit.f.visit_minutes", lang), key=k("visit_minutes"), min_value=1,
                    max_value=240, step=1)
    c2.number_input(t("edit.f.priority", lang), key=k("priority"), min_value=1, max_value=5)
    c3.toggle(t("edit.f.step_free", lang), key=k("step_free"))
    _field_problem(by_field, "step_free", lang)
    st.multiselect(t("edit.f.departments", lang), departments, key=k("departments"))
    st.text_area(t("edit.f.sources", lang), key=k("sources"), height=68)
    _field_problem(by_field, "sources", lang)
    c1, c2 = st.columns(2)
    c1.text_area(t("edit.f.facts_de", lang), key=k("facts_de"), height=68)
    c2.text_area(t("edit.f.facts_en", lang), key=k("facts_en"), height=68)
    _field_problem(by_field, "facts", lang)
    st.text_input(t("edit.f.id", lang), key=k("id"), max_chars=64,
                  help=t("edit.f.id_help", lang))
    _field_problem(by_field, "id", lang)

    values = ExhibitForm(**{name: st.session_state[k(name)]
                            for name in ExhibitForm().values()},
                         rest=st.session_state.get(PREFIX + "rest", {}))
    item = values.to_exhibit()
    if not item["id"]:
        st.session_state[PREFIX + "by_field"] = {}
        return
    by_field, _ = _check_form(state, item)
    if by_field != st.session_state.get(PREFIX + "by_field"):
        st.session_state[PREFIX + "by_field"] = by_field
        st.rerun()  # the field messages are drawn above the point where they were found
    if by_field:
        common.caption(t("edit.form_problems", lang, count=sum(map(len, by_field.values()))))
    c1, c2 = st.columns(2)
    if c1.button(t("edit.save_exhibit", lang), key=PREFIX + "save-exhibit", type="primary",
                 icon=":material/save:", width="stretch"):
        files = with_exhibit(state.files, item, state.selected)
        if _commit(state, actor, files, lang, t("edit.saved", lang, id=item["id"])):
            state.selected = item["id"]
            st.session_state[PREFIX + "exhibit-next"] = item["id"]
            state.save()
            st.rerun()
    delete = state.selected and c2.button(t("edit.delete_exhibit", lang), key=PREFIX + "delete",
                                          icon=":material/delete:", width="stretch")
    if delete and _commit(state, actor, draft.remove_exhibit(state.files, state.selected), lang,
                          t("edit.deleted", lang, id=state.selected)):
        st.session_state[PREFIX + "exhibit-next"] = ""
        st.rerun()


def _check_form(state: EditorState, item: dict[str, Any]) -> tuple[dict[str, list[str]], Any]:
    key = (bundle.to_zip(state.files), repr(item), state.selected)
    cached = st.session_state.get(PREFIX + "check")
    if cached and cached[0] == key:
        return cached[1]
    result = check_exhibit(state.files, item, state.selected)
    st.session_state[PREFIX + "check"] = (key, result)
    return result


# --------------------------------------------------------------------------- lists


def _list_key(kind: str, name: str) -> str:
    return f"{PREFIX}l.{kind}.{name}"


def _fill_list_form(state: EditorState, kind: str, chosen: str | None,
                    original: dict | None) -> None:
    state.list_selected[kind] = chosen or None
    for name, value in lists.form_values(kind, original).items():
        st.session_state[_list_key(kind, "f." + name)] = value
    state.save()


def _list_picked(kind: str, pick_key: str, current: list[dict]) -> None:
    chosen = st.session_state.get(pick_key) or ""
    _fill_list_form(EditorState.load(), kind, chosen,
                    next((e for e in current if e.get("id") == chosen), None))


def lists_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    """Categories, zones, departments and cities: pick one or "+ New", a form, Save/Delete;
    the validator's problems under their fields (checked before the fields are drawn, from
    the values the widgets hold)."""
    kind = st.segmented_control(
        t("edit.l.kind", lang), LIST_KINDS, key=PREFIX + "l.kind", default="category",
        format_func=lambda k: t(f"edit.l.plural.{k}", lang), width="stretch") or "category"
    current = lists.items(state.files, kind)
    ids = [str(e.get("id")) for e in current]
    names = {str(e.get("id")): (e.get("name") or {}).get(lang) or str(e.get("id"))
             for e in current}
    pick_key = _list_key(kind, "pick")
    if (upcoming := st.session_state.pop(_list_key(kind, "pick-next"), None)) is not None:
        st.session_state[pick_key] = upcoming  # set before the widget is drawn
    if st.session_state.get(pick_key) not in ["", *ids]:
        st.session_state[pick_key] = ""
    chosen = st.selectbox(t(f"edit.l.{kind}", lang), ["", *ids], key=pick_key,
                          format_func=lambda i: names.get(i, i) if i else
                          t("edit.l.new", lang),
                          on_change=_list_picked, args=(kind, pick_key, current))
    original = next((e for e in current if e.get("id") == chosen), None)
    # A pick by the person fills the form in its callback (_list_picked), together with the
    # change itself: a field typed while that run was still going is not wiped by the next run
    # (it was, on a slow connection). Here only what the page changed itself (a deleted item,
    # the first visit) fills it.
    if (chosen or None) != state.list_selected.get(kind, "?") \
            or _list_key(kind, "f.id") not in st.session_state:
        _fill_list_form(state, kind, chosen, original)
    selected = state.list_selected.get(kind)
    values = {name: st.session_state[_list_key(kind, "f." + name)]
              for name in lists.form_values(kind, None)}
    item = lists.to_item(kind, values, original)
    by_field = lists.check(state.files, kind, item, selected)[0] if item["id"] else {}
    _list_form(state, kind, by_field, lang)
    if kind == "zone" and item["id"] in lists.zones_without_polygon(state.files):
        common.caption(t("edit.l.zone_draw", lang))
    c1, c2 = st.columns(2)
    if c1.button(t("edit.l.save", lang), key=_list_key(kind, "save"), type="primary",
                 icon=":material/save:", width="stretch", disabled=not item["id"]):
        files = lists.upsert(state.files, kind, item, selected)
        if _commit(state, actor, files, lang, t("edit.l.saved", lang, id=item["id"])):
            state.list_selected[kind] = item["id"]
            st.session_state[_list_key(kind, "pick-next")] = item["id"]
            state.save()
            st.rerun()
    if selected and c2.button(t("edit.l.delete", lang), key=_list_key(kind, "delete"),
                              icon=":material/delete:", width="stretch"):
        try:
            files = lists.remove(state.files, kind, selected)
        except lists.ListEditError as exc:  # next to the button; nothing is changed
            common.notice("error", _say(str(exc), lang))
            return
        if _commit(state, actor, files, lang, t("edit.l.deleted", lang, id=selected)):
            st.session_state[_list_key(kind, "pick-next")] = ""
            st.rerun()


def _list_form(state: EditorState, kind: str, by_field: dict[str, list[str]],
               lang: str) -> None:
    def k(name: str) -> str:
        return _list_key(kind, "f." + name)

    c1, c2 = st.columns(2)
    c1.text_input(t("edit.f.name_de", lang), key=k("name_de"), max_chars=120)
    c2.text_input(t("edit.f.name_en", lang), key=k("name_en"), max_chars=120)
    _field_problem(by_field, "name", lang)
    if kind == "category":
        c1, c2 = st.columns(2)
        c1.color_picker(t("edit.l.color", lang), key=k("color"))
        c2.text_input(t("edit.l.icon", lang), key=k("icon"), max_chars=4,
                      help=t("edit.l.icon_help", lang))
        _field_problem(by_field, "color", lang)
        _field_problem(by_field, "icon", lang)
    if kind == "city":
        c1, c2 = st.columns(2)
        c1.text_input(t("edit.l.delegation_de", lang), key=k("delegation_de"), max_chars=120)
        c2.text_input(t("edit.l.delegation_en", lang), key=k("delegation_en"), max_chars=120)
        _field_problem(by_field, "delegation", lang)
        departments = [str(d.get("id")) for d in lists.items(state.files, "department")]
        dep_names = {str(d.get("id")): (d.get("name") or {}).get(lang) or str(d.get("id"))
                     for d in lists.items(state.files, "department")}
        st.session_state[k("departments")] = [
            d for d in st.session_state.get(k("departments"), []) if d in departments]
        st.multiselect(t("edit.f.departments", lang), departments, key=k("departments"),
                       format_func=lambda d: dep_names.get(d, d))
        _field_problem(by_field, "departments", lang)
        st.text_area(t("edit.f.sources", lang), key=k("sources"), height=68)
        _field_problem(by_field, "sources", lang)
    st.text_input(t("edit.f.id", lang), key=k("id"), max_chars=64,
                  help=t("edit.l.id_help", lang))
    _field_problem(by_field, "id", lang)


# --------------------------------------------------------------------------- import


def import_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    upload = st.file_uploader(t("edit.import_upload", lang), key=PREFIX + "table",
                              type=["csv", "xlsx", "geojson", "json", "kml"])
    if upload is None:
        common.caption(t("edit.import_hint", lang))
        return
    try:
        if upload.name.lower().endswith(points.SUFFIXES):
            found, refused_features = points.read_points(upload.getvalue(), upload.name)
        else:
            found, refused_features = table.read_table(upload.getvalue(), upload.name), []
    except (table.TableImportError, points.PointsImportError) as exc:
        common.notice("error", str(exc))
        return
    for note in found.notes:
        common.caption(note)
    guessed = table.guess_mapping(found.columns)
    st.markdown(f"**{common.md_escape(t('edit.mapping', lang))}**")
    columns = ["", *found.columns]
    mapping: dict[str, str | None] = {}
    grid = st.columns(3)
    for i, name in enumerate(table.FIELDS):
        key = f"{PREFIX}map.{upload.file_id}.{name}"
        if key not in st.session_state:
            st.session_state[key] = guessed.get(name) or ""
        mapping[name] = grid[i % 3].selectbox(
            t(f"edit.field.{name}", lang), columns, key=key,
            format_func=lambda c: c or t("edit.no_column", lang)) or None
    source = st.text_input(t("edit.import_source", lang), key=PREFIX + "import-source")
    preview = table.preview(found, mapping, state.files, source=source)
    for problem in preview.problems:
        common.notice("error", problem)
    st.markdown(common.md_escape(t("edit.preview", lang, added=len(preview.added),
                                   changed=len(preview.changed),
                                   refused=len(preview.refused) + len(refused_features),
                                   unchanged=len(preview.unchanged))))
    if preview.added or preview.changed:
        st.dataframe(pd.DataFrame(
            [{"": t("edit.added", lang), "id": e["id"], "name": " / ".join(e["name"].values()),
              "lat": e["location"]["lat"], "lon": e["location"]["lon"]} for e in preview.added]
            + [{"": t("edit.changed", lang), "id": e["id"], "name": ", ".join(fields),
                "lat": e["location"]["lat"], "lon": e["location"]["lon"]}
               for e, fields in preview.changed]), hide_index=True, width="stretch")
    if preview.refused or refused_features:
        st.markdown(f"**{common.md_escape(t('edit.refused', lang))}**")
        common.bullets([f"{r.line}: {r.label}: {'; '.join(r.reasons)}" for r in preview.refused]
                       + refused_features)
    take = preview.ok and st.button(
        t("edit.import_take", lang, count=len(preview.added) + len(preview.changed)),
        key=PREFIX + "import-take", type="primary", icon=":material/upload:")
    if take and _commit(state, actor, preview.apply(state.files), lang, t("edit.imported", lang)):
        st.rerun()


# --------------------------------------------------------------------------- photos


def photos_section(state: EditorState, actor: access.Actor, lang: str) -> None:
    items = draft.exhibits(state.files)
    if not items:
        common.notice("info", t("edit.no_exhibits", lang))
        return
    names = {str(e["id"]): (e.get("name") or {}).get(lang) or e["id"] for e in items}
    exhibit_id = st.selectbox(t("edit.exhibit", lang), list(names), key=PREFIX + "photo-for",
                              format_func=names.get)
    item = next(e for e in items if e["id"] == exhibit_id)
    if (image := item.get("image")) and image in state.files:
        alt = (item.get("image_alt") or {}).get(lang) or names[exhibit_id]
        st.image(state.files[image], alt=alt, width=320)
        if credit := item.get("image_credit"):
            common.caption(credit)
    upload = st.file_uploader(t("edit.photo_upload", lang), key=PREFIX + "photo",
                              type=["jpg", "jpeg", "png", "webp"])
    c1, c2 = st.columns(2)
    alt_de = c1.text_input(t("edit.alt_de", lang), key=PREFIX + "alt-de", max_chars=300)
    alt_en = c2.text_input(t("edit.alt_en", lang), key=PREFIX + "alt-en", max_chars=300)
    credit = st.text_input(t("edit.credit", lang), key=PREFIX + "credit",
                           max_chars=cat.MAX_CREDIT_CHARS, placeholder=t("edit.credit_hint",
                                                                         lang))
    if upload is not None and st.button(t("edit.photo_take", lang), key=PREFIX + "photo-take",
                                        type="primary", icon=":material/add_a_photo:"):
        try:
            files = photos.add_photo(state.files, exhibit_id, upload.getvalue(), upload.name,
                                     alt_de=alt_de, alt_en=alt_en, credit=credit)
        except photos.PhotoError as exc:  # next to the button; the fields keep their text
            common.notice("error", _say(str(exc), lang))
            return
        if _commit(state, actor, files, lang, t("edit.photo_taken", lang)):
            st.rerun()


# --------------------------------------------------------------------------- publish


def publish_section(state: EditorState, actor: access.Actor, problems: list[str],
                    lang: str) -> None:
    note = st.text_input(t("edit.publish_message", lang), key=PREFIX + "publish-message",
                         max_chars=500)
    if st.button(t("edit.publish", lang), key=PREFIX + "publish", type="primary",
                 icon=":material/publish:", disabled=bool(problems)):
        try:
            version = store().publish(actor, state.exhibition, head=state.head, message=note)
        except ExhibitionConflict:
            state.message = ("error", t("edit.publish_conflict", lang))
        except InvalidExhibition as exc:
            state.message = ("error", str(exc))
        except StoreError as exc:
            state.message = ("error", str(exc))
        else:
            state.head = version.number
            state.message = ("success", t("edit.published", lang, number=version.number))
        state.save()
        st.rerun()
    if problems:
        common.caption(t("edit.publish_blocked", lang))
    versions_list(state, actor, lang)


def versions_list(state: EditorState, actor: access.Actor, lang: str) -> None:
    versions = store().versions(state.exhibition)
    if not versions:
        common.caption(t("edit.no_versions", lang))
        return
    st.dataframe(pd.DataFrame([{
        t("edit.v.number", lang): v.number, t("edit.v.author", lang): v.author,
        t("edit.v.time", lang): v.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        t("edit.v.message", lang): v.message} for v in versions]), hide_index=True,
        width="stretch")
    numbers = [v.number for v in versions]
    c1, c2 = st.columns(2)
    new = c1.selectbox(t("edit.v.pick", lang), numbers, key=PREFIX + "v-new")
    old = c2.selectbox(t("edit.v.compare", lang), numbers, key=PREFIX + "v-old",
                       index=min(1, len(numbers) - 1))
    if old != new:
        diff = store().diff(state.exhibition, old, new)
        lines = [t("edit.v.added", lang, ids=", ".join(diff.added))] if diff.added else []
        lines += [t("edit.v.removed", lang, ids=", ".join(diff.removed))] if diff.removed else []
        lines += [t("edit.v.changed", lang, id=i, fields=", ".join(f))
                  for i, f in diff.changed.items()]
        lines += [t("edit.v.files", lang, files=", ".join(diff.files_changed))] \
            if diff.files_changed else []
        common.bullets(lines or [t("edit.v.same", lang)])
    c1, c2 = st.columns(2)
    c1.download_button(t("edit.export", lang), data=store().export(state.exhibition, new),
                       file_name=f"{state.exhibition}-v{new}.zip", mime="application/zip",
                       key=PREFIX + "export", icon=":material/download:", width="stretch")
    if new != state.head and c2.button(t("edit.restore", lang, number=new),
                                       key=PREFIX + "restore", icon=":material/history:",
                                       width="stretch"):
        try:
            version = store().restore(actor, state.exhibition, new, head=state.head)
        except ExhibitionConflict:
            state.message = ("error", t("edit.publish_conflict", lang))
            state.save()
        else:
            _open(state, state.exhibition)
            state.message = ("success", t("edit.restored", lang, number=new,
                                          new=version.number))
            state.save()
        st.rerun()

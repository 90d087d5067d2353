"""The review's workshop tab (open space): propose a topic; topics grouped by overlap (with
the reason); working groups with their project ideas; an idea becomes a follow-up with an
owner. Each write's message is drawn under its button."""

from __future__ import annotations

import streamlit as st

from dashboard import catalog as cat
from dashboard import presentation as fmt
from dashboard import store
from dashboard.i18n import t
from dashboard.review import domain
from dashboard.roles import Actor
from dashboard.store import notes as notes_mod
from dashboard.store.notes import FollowUp
from dashboard.store.workshop import ProjectIdea, Topic, WorkingGroup
from dashboard.ui import common, messages
from dashboard.ui.review.shared import attempt, note_html, read
from dashboard.ui.review.state import ReviewState

TOPIC_FORM = "review.topic-form"  # message places


def section(state: ReviewState, catalog: cat.Catalog, city_: cat.City, notes: store.NoteStore,
            workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    topics = read(lang, workshop.list_topics, [])
    groups = read(lang, workshop.list_groups, [])
    ideas = read(lang, workshop.list_ideas, [])
    made = read(lang, lambda: notes.list_follow_ups(city_id=city_.id, reader=actor), [])
    by_id = {topic.id: topic for topic in topics}
    if actor.can_write_city(city_.id):
        with st.expander(t("review.propose_topic", lang), icon=":material/add_comment:",
                         expanded=not topics or bool(messages.pending(TOPIC_FORM))):
            topic_form(state, catalog, city_, workshop, actor, lang)

    common.heading(t("review.topics", lang), 3)
    if not topics:
        common.notice("info", t("review.no_topics", lang), icon=":material/forum:")
    for topic in topics:
        with st.container(border=True, key=f"review.topic-card-{topic.id}"):
            common.text(topic.title, bold=True)
            common.caption(topic_meta(catalog, topic, lang))
            if topic.text:
                st.html(note_html(topic.text))

    formed = {frozenset(g.topic_ids): g for g in groups}
    proposals = domain.group_topics(topics)
    if proposals:
        common.heading(t("review.proposals", lang), 3)
        common.caption(t("review.grouping_rule", lang))
    for n, proposal in enumerate(proposals, 1):
        # Keyed by the topics, not by the position: a new topic must not move a tap.
        name = "-".join(str(i) for i in proposal.topic_ids)
        with st.container(border=True, key=f"review.proposal-{name}"):
            reason = proposal.reason(by_id, catalog, lang)
            common.text(t("review.proposal", lang, n=n), bold=True)
            common.bullets([by_id[i].title for i in proposal.topic_ids])
            common.labelled(t("review.why", lang), reason)
            group = formed.get(frozenset(proposal.topic_ids))
            if group is not None:
                common.caption(t("review.formed", lang, title=group.title))
            elif actor.can_run_workshop:
                st.button(t("review.form_group", lang), key=f"review.form-group-{name}",
                          icon=":material/group_add:", on_click=_form_group,
                          args=(workshop, actor, proposal.topic_ids, reason, lang))
            messages.show(f"review.proposal-{name}", into_view=True)

    common.heading(t("review.groups", lang), 3)
    if not groups:
        common.text(t("review.no_groups", lang), italic=True)
    for group in groups:
        group_box(state, catalog, city_, group, by_id,
                  [i for i in ideas if i.group_id == group.id], made, workshop, actor, lang)


def topic_meta(catalog: cat.Catalog, topic: Topic, lang: str) -> str:
    parts = [domain.city_name(catalog, topic.city_id, lang), topic.author]
    if topic.department:
        parts.append(domain.department_name(catalog, topic.department, lang))
    names = [catalog.text(catalog.exhibits[e].name, lang) for e in topic.exhibits
             if e in catalog.exhibits]
    if names:
        parts.append(t("review.linked", lang, items=", ".join(names)))
    if topic.tags:
        parts.append("#" + " #".join(topic.tags))
    return " · ".join(parts)


def topic_form(state: ReviewState, catalog: cat.Catalog, city_: cat.City,
               workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    departments = common.city_departments(catalog, city_)
    ids = list(catalog.exhibits)
    st.text_input(t("review.topic_title", lang), key=state.bind("topic.title", ""),
                  max_chars=200)
    st.text_area(t("review.topic_text", lang), key=state.bind("topic.text", ""), height=100,
                 max_chars=notes_mod.TEXT_MAX, help=t("review.text_help", lang))
    chosen = [e for e in state.value("topic.exhibits") or [] if e in ids]
    state.values["topic.exhibits"] = chosen
    st.multiselect(t("review.topic_exhibits", lang), ids, key=state.bind("topic.exhibits", []),
                   placeholder=t("review.choose", lang),
                   format_func=lambda i: catalog.text(catalog.exhibits[i].name, lang))
    c1, c2 = st.columns(2)
    # "" for all departments: a selectbox whose value is None shows its placeholder.
    c1.selectbox(t("filter.department", lang), ["", *departments],
                 key=state.bind("topic.department", "", ["", *departments]),
                 format_func=lambda d: t("review.everyone", lang) if not d
                 else domain.department_name(catalog, d, lang))
    c2.text_input(t("review.tags", lang), key=state.bind("topic.tags", ""),
                  help=t("review.tags_help", lang), max_chars=400)
    st.button(t("review.save_topic", lang), type="primary", icon=":material/add_comment:",
              on_click=_add_topic,
              args=(state, workshop, actor, city_.id, lang, state.generation("topic-save")),
              width="stretch", key=state.button_key("topic-save"))
    messages.show(TOPIC_FORM, into_view=True)


def _add_topic(state: ReviewState, workshop: store.WorkshopStore, actor: Actor, city_id: str,
               lang: str, generation: int) -> None:
    if not state.is_current("topic-save", generation):
        return  # the same tap delivered again: saved already
    s = st.session_state
    saved = attempt(TOPIC_FORM, lang, lambda: workshop.add_topic(
        actor, city_id=city_id, title=s.get(state.key("topic.title")) or "",
        text=s.get(state.key("topic.text")) or "",
        exhibits=s.get(state.key("topic.exhibits")) or [],
        department=s.get(state.key("topic.department")) or None,
        tags=s.get(state.key("topic.tags")) or ""), t("review.topic_saved", lang))
    if saved is not None:
        for name, empty in (("title", ""), ("text", ""), ("exhibits", []), ("tags", "")):
            state.set("topic." + name, empty)
        state.written("topic-save")


def _form_group(workshop: store.WorkshopStore, actor: Actor, topic_ids: tuple[int, ...],
                reason: str, lang: str) -> None:
    # Idempotent in the store: a second tap, or someone else at the same moment, gets the
    # group that exists.
    name = "-".join(str(i) for i in topic_ids)
    attempt(f"review.proposal-{name}", lang, lambda: workshop.form_group(
        actor, topic_ids=list(topic_ids), reason=reason), t("review.group_formed", lang))


def group_box(state: ReviewState, catalog: cat.Catalog, city_: cat.City, group: WorkingGroup,
              topics: dict[int, Topic], ideas: list[ProjectIdea], made: list[FollowUp],
              workshop: store.WorkshopStore, actor: Actor, lang: str) -> None:
    writer = actor.can_write_city(city_.id)
    with st.container(border=True, key=f"review.group-{group.id}"):
        common.text(group.title, bold=True)
        common.bullets([topics[i].title for i in group.topic_ids if i in topics])
        if group.reason:
            common.labelled(t("review.why", lang), group.reason)
        common.text(t("review.ideas", lang), bold=True)
        if not ideas:
            common.text(t("review.no_ideas", lang), italic=True)
        for idea in ideas:
            with st.container(border=True, key=f"review.idea-{idea.id}"):
                common.text(idea.title, bold=True)
                common.caption(f"{domain.city_name(catalog, idea.city_id, lang)} · {idea.author}")
                if idea.text:
                    st.html(note_html(idea.text))
                done = [f for f in made if f.idea_id == idea.id]
                for item in done:  # the idea is a follow-up now: say so on its card
                    due = fmt.short_date(item.due, lang) if item.due else t("review.no_due", lang)
                    # The badge's label is Markdown: the owner is the person's text.
                    st.badge(common.md_escape(t("review.idea_is_follow_up", lang,
                                                owner=item.owner, due=due)),
                             icon=":material/task_alt:", color="green")
                if writer and not done:
                    _idea_follow_up_form(state, idea, workshop, actor, city_.id, lang)
                messages.show(f"review.idea-{idea.id}", into_view=True)
        if writer:
            path = f"idea.{group.id}."
            st.text_input(t("review.idea_title", lang), key=state.bind(path + "title", ""),
                          max_chars=200)
            st.text_area(t("review.idea_text", lang), key=state.bind(path + "text", ""),
                         height=80, max_chars=notes_mod.TEXT_MAX)
            st.button(t("review.save_idea", lang), icon=":material/lightbulb:",
                      on_click=_add_idea,
                      args=(state, workshop, actor, group.id, city_.id, lang,
                            state.generation(f"idea-save-{group.id}")),
                      key=state.button_key(f"idea-save-{group.id}"))
            messages.show(f"review.idea-form-{group.id}", into_view=True)


def _add_idea(state: ReviewState, workshop: store.WorkshopStore, actor: Actor, group_id: int,
              city_id: str, lang: str, generation: int) -> None:
    if not state.is_current(f"idea-save-{group_id}", generation):
        return  # the same tap delivered again: saved already
    path = f"idea.{group_id}."
    s = st.session_state
    saved = attempt(f"review.idea-form-{group_id}", lang, lambda: workshop.add_idea(
        actor, group_id=group_id, city_id=city_id, title=s.get(state.key(path + "title")) or "",
        text=s.get(state.key(path + "text")) or ""), t("review.idea_saved", lang))
    if saved is not None:
        state.set(path + "title", "")
        state.set(path + "text", "")
        state.written(f"idea-save-{group_id}")


def _idea_follow_up_form(state: ReviewState, idea: ProjectIdea, workshop: store.WorkshopStore,
                         actor: Actor, city_id: str, lang: str) -> None:
    path = f"idea_fu.{idea.id}."
    c1, c2 = st.columns(2)
    c1.text_input(t("review.owner", lang), key=state.bind(path + "owner", ""),
                  max_chars=notes_mod.OWNER_MAX)
    c2.date_input(t("review.due", lang), key=state.bind(path + "due", None),
                  format=fmt.DATE_INPUT_FORMAT[lang])
    st.button(t("review.idea_to_follow_up", lang), icon=":material/add_task:",
              on_click=_idea_to_follow_up, args=(state, workshop, actor, idea.id, city_id, lang),
              key=f"review.idea-fu-save-{idea.id}")


def _idea_to_follow_up(state: ReviewState, workshop: store.WorkshopStore, actor: Actor,
                       idea_id: int, city_id: str, lang: str) -> None:
    path = f"idea_fu.{idea_id}."
    s = st.session_state
    saved = attempt(f"review.idea-{idea_id}", lang, lambda: workshop.idea_to_follow_up(
        actor, idea_id, owner=s.get(state.key(path + "owner")) or "",
        due=s.get(state.key(path + "due")), city_id=city_id),
        t("review.idea_follow_up_saved", lang))
    if saved is not None:
        state.forget(path)

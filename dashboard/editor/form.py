"""The exhibit form: its values, the exhibit mapping they make, and live validation.

Validation is the validator's: the form's exhibit is put into a copy of the draft and the
whole copy is checked (dashboard.editor.bundle.check, i.e. catalog.load), and the problems of
this exhibit are sorted to the form's fields. Nothing here is a second set of rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from dashboard.editor import bundle, draft
from dashboard.errors import Problem

# Form field -> the exhibit field paths whose problems it shows.
FIELD_OF = {
    "id": ("id",), "name": ("name",), "summary": ("summary",), "description": ("description",),
    "category": ("category",), "zone": ("zone",), "location": ("location",),
    "visit_minutes": ("visit_minutes",), "step_free": ("step_free",), "sources": ("sources",),
    "departments": ("departments",), "facts": ("facts",),
    "image": ("image", "image_alt", "image_credit"),
}


@dataclass
class ExhibitForm:
    id: str = ""
    name_de: str = ""
    name_en: str = ""
    summary_de: str = ""
    summary_en: str = ""
    description_de: str = ""
    description_en: str = ""
    category: str = ""
    zone: str = ""
    lat: float = 0.0
    lon: float = 0.0
    visit_minutes: int = 10
    step_free: bool = True
    priority: int = 3
    sources: str = ""  # one address a line
    facts_de: str = ""  # one fact a line, de and en line by line
    facts_en: str = ""
    departments: list[str] = field(default_factory=list)
    # Fields of the exhibit that the form does not show (image, city notes, …): kept as they are.
    rest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_exhibit(cls, item: Mapping[str, Any]) -> ExhibitForm:
        def loc(key: str, lang: str) -> str:
            value = item.get(key)
            return str(value.get(lang) or "") if isinstance(value, dict) else ""

        facts = [f for f in item.get("facts") or [] if isinstance(f, dict)]
        location = item.get("location") if isinstance(item.get("location"), dict) else {}
        shown = {"id", "name", "summary", "description", "category", "zone", "location",
                 "visit_minutes", "step_free", "priority", "sources", "facts", "departments"}
        return cls(
            id=str(item.get("id") or ""), name_de=loc("name", "de"), name_en=loc("name", "en"),
            summary_de=loc("summary", "de"), summary_en=loc("summary", "en"),
            description_de=loc("description", "de"), description_en=loc("description", "en"),
            category=str(item.get("category") or ""), zone=str(item.get("zone") or ""),
            lat=float(location.get("lat") or 0.0), lon=float(location.get("lon") or 0.0),
            visit_minutes=int(item.get("visit_minutes") or 10),
            step_free=bool(item.get("step_free", True)), priority=int(item.get("priority") or 3),
            sources="\n".join(str(s) for s in item.get("sources") or []),
            facts_de="\n".join(str(f.get("de") or "") for f in facts),
            facts_en="\n".join(str(f.get("en") or "") for f in facts),
            departments=[str(d) for d in item.get("departments") or []],
            rest={k: v for k, v in item.items() if k not in shown})

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "rest"}

    def to_exhibit(self) -> dict[str, Any]:
        """The exhibit as in exhibits.yaml (empty texts left out)."""
        def loc(de: str, en: str) -> dict[str, str]:
            return {k: v.strip() for k, v in (("de", de), ("en", en)) if v.strip()}

        ident = self.id.strip() or draft.slug(self.name_de or self.name_en, "")
        out: dict[str, Any] = {
            "id": ident, "name": loc(self.name_de, self.name_en),
            "summary": loc(self.summary_de, self.summary_en),
            # Without a description the summary stands for it (as in the importers).
            "description": loc(self.description_de, self.description_en)
            or loc(self.summary_de, self.summary_en),
            "category": self.category, "zone": self.zone,
            "location": {"lat": round(float(self.lat), 7), "lon": round(float(self.lon), 7)},
            "visit_minutes": int(self.visit_minutes), "step_free": bool(self.step_free)}
        if int(self.priority) != 3:
            out["priority"] = int(self.priority)
        de_facts, en_facts = self.facts_de.splitlines(), self.facts_en.splitlines()
        facts = [loc(de, en) for de, en in _pairs(de_facts, en_facts)]
        if facts := [f for f in facts if f]:
            out["facts"] = facts
        if self.departments:
            out["departments"] = list(self.departments)
        out["sources"] = [s for s in re.split(r"\s+", self.sources) if s]
        out.update(self.rest)
        return out


def _pairs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    length = max(len(a), len(b))
    return [(a[i] if i < len(a) else "", b[i] if i < len(b) else "") for i in range(length)]


def with_exhibit(files: Mapping[str, bytes], item: dict[str, Any],
                 replaces: str | None = None) -> dict[str, bytes]:
    """The draft with the form's exhibit in it (replacing `replaces` when its id changed)."""
    base = draft.remove_exhibit(files, replaces) if replaces and replaces != item["id"] \
        else dict(files)
    return draft.upsert_exhibits(base, [item])


def check_exhibit(files: Mapping[str, bytes], item: dict[str, Any],
                  replaces: str | None = None) -> tuple[dict[str, list[str]], list[Problem]]:
    """(problems of this exhibit by form field, every problem of the draft with it)."""
    problems = bundle.check(with_exhibit(files, item, replaces))
    mine = f"exhibit {item['id']!r}"
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        if problem.item != mine and not (problem.item or "").startswith("exhibit #"):
            continue
        path = problem.field or "id"
        form_field = next((k for k, prefixes in FIELD_OF.items()
                           if any(path == p or path.startswith((p + ".", p + "["))
                                  for p in prefixes)), "id")
        by_field.setdefault(form_field, []).append(problem.message)
    return by_field, problems

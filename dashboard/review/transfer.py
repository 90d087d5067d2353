"""The transfer view of the review: scorecards across cities in words, and what is due for
the city's reflection meeting. Pure functions (the review page and the report use them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from dashboard.catalog import Catalog
from dashboard.i18n import t
from dashboard.review import domain
from dashboard.store.notes import FollowUp, FollowUpStatus
from dashboard.store.scorecards import Factor, Scorecard, Stage

STAGES = [s.value for s in Stage]


def stage_label(stage: Stage | str, lang: str) -> str:
    return t(f"transfer.stage.{Stage(stage).value}", lang)


def factor_label(factor: Factor | str, lang: str) -> str:
    return t(f"transfer.factor.{Factor(factor).value}", lang)


def across_cities(catalog: Catalog, cards: Sequence[Scorecard], lang: str) -> str:
    """"Two cities rate it proof of value; Heilbronn runs it" in the reader's language."""
    if not cards:
        return ""
    runs = [c for c in cards if c.stage is Stage.REGULAR_OPERATION]
    counts = Counter(c.stage for c in cards if c.stage is not Stage.REGULAR_OPERATION)
    parts = [t("transfer.rated", lang, n=n, stage=stage_label(stage, lang))
             if n > 1 else t("transfer.rated_one", lang,
                             city=domain.city_name(catalog, next(
                                 c.city_id for c in cards if c.stage is stage), lang),
                             stage=stage_label(stage, lang))
             for stage, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].value))]
    if runs:
        names = ", ".join(domain.city_name(catalog, c.city_id, lang) for c in runs)
        parts.append(t("transfer.runs_it", lang, cities=names))
    return "; ".join(parts)


def due_for_reflection(items: Iterable[FollowUp], day: dt.date | None) -> list[FollowUp]:
    """The follow-ups not done that are due by the reflection meeting (those without a due
    date too: the meeting is where they get one), by due date."""
    if day is None:
        return []
    chosen = [f for f in items if f.status is not FollowUpStatus.DONE
              and (f.due is None or f.due <= day)]
    return sorted(chosen, key=lambda f: (f.due is None, f.due or dt.date.min, f.id))

"""The project's exceptions, in one place. Each subclasses ValueError (bad input, not a bug)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data folder, located as precisely as we can."""

    file: str
    message: str
    item: str | None = None  # e.g. "exhibit 'holzpavillon'" or "feature 3"
    field: str | None = None  # dotted path inside the item, e.g. "location.lat"

    def __str__(self) -> str:
        where = [self.file]
        if self.item:
            where.append(self.item)
        if self.field:
            where.append(f"field {self.field!r}")
        return ": ".join([*where, self.message])


class DataError(ValueError):
    """A data folder that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data folder"
        super().__init__(head + ":\n" + "\n".join(f"- {p}" for p in self.problems))


class UnknownExhibitError(ValueError):
    """An exhibit id that the catalogue does not have (e.g. from a URL)."""

    def __init__(self, exhibit_id: str):
        self.exhibit_id = exhibit_id
        super().__init__(f"unknown exhibit id {exhibit_id!r}")

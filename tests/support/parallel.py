"""pytest-xdist's `--dist loadgroup` on this pytest: tests marked xdist_group("name") run on
one worker (those sharing a module's own server, say).

xdist tells its controller a test's group by appending "@name" to the test's node id on the
worker, through the attribute `_nodeid`; pytest 9.2 keeps node ids in `_id` (a NodeId), so the
suffix is lost and every test is scheduled alone (pytest-xdist issue 1386, fix pending in pull
request 1388). This hook adds the suffix where xdist's did not take; it does nothing where
xdist's works (older pytest, a fixed xdist) or without loadgroup. Remove it once a released
xdist groups again (tests/test_parallel.py shows whether it does).
"""

from __future__ import annotations

import os

import pytest


def group_of(item: pytest.Item) -> str | None:
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
             for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names)) if names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER") or not config.getvalue("loadgroup"):
        return
    for item in items:
        group = group_of(item)
        if group is None or item.nodeid.endswith(f"@{group}"):
            continue
        structured = getattr(item, "_id", None)
        if structured is None:  # an older pytest: xdist's own way works there
            continue
        item._id = type(structured).parse(f"{item.nodeid}@{group}")

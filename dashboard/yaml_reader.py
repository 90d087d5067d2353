"""Reading the data folder's YAML files: safe, fast, and every problem reported.

`read_yaml` reads one file into a mapping or appends why it cannot to the problems: not UTF-8,
binary, not valid YAML (with line and column), nested too deeply, an alias bomb. Most data
files are plain block YAML without aliases; `_fast_yaml` builds those from libyaml's node
events directly (several times faster than constructing through PyYAML) and hands anything it
does not handle to the full `_DataLoader`, which gives the same result
(tests/test_yaml_fast.py). `gc_paused` switches the cyclic collector off while a folder loads.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from dashboard import geo
from dashboard.errors import Problem, shown

# A YAML file may not stand for more values than this once its aliases are expanded: an
# "alias bomb" of a few hundred bytes would otherwise stand for billions.
MAX_YAML_VALUES = 1_000_000


def cut_text(text: str, limit: int = 200) -> str:
    """`text`, or its first `limit` characters and how long it was (for messages)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def kind_name(value: Any) -> str:
    """What a YAML value is, in the words of the messages ("list", "text", "number" ...)."""
    return {list: "list", str: "text", int: "number", float: "number", bool: "yes/no",
            dict: "mapping"}.get(type(value), type(value).__name__)


class _DataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """yaml's safe loader (libyaml when present) with three changes for data files:

    - a key written twice in one mapping is an error (plain YAML keeps the last silently);
    - dates stay text, so that 2019-02-30 is reported at its field instead of failing the
      whole file (the models parse ISO dates);
    - an integer too long for Python (more than 4,300 digits) stays text, reported at its field.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (
                    (key_node.tag, key_node.value) if isinstance(key_node, yaml.ScalarNode)
                    else self.construct_object(key_node, deep=True)
                )
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # unhashable key: SafeConstructor reports it
                    continue
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        "in a mapping", node.start_mark,
                        f"key {shown(self.construct_object(key_node, deep=True))} appears twice "
                        f"(first at line "
                        f"{first.start_mark.line + 1})", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return str(node.value)


_DataLoader.add_constructor("tag:yaml.org,2002:int", _DataLoader.construct_yaml_int)
_DataLoader.add_constructor("tag:yaml.org,2002:map", _DataLoader.construct_yaml_map)
_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
# Scalar tags built directly by the fast path (everything else goes the full way).
_SCALAR_TAGS = {_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
# Deeper than any real data file; deeper documents take the full way (and its messages).
_FAST_MAX_DEPTH = 64
_FALLBACK = object()


def _fast_yaml(text: str) -> Any:
    """The document built straight from libyaml's events, or _FALLBACK.

    Gives what yaml.load(text, Loader=_DataLoader) gives for ordinary data files, about three
    times faster: PyYAML's composer makes a node (with two marks) for every value and resolves
    each scalar in Python before the constructor walks the nodes again. Anything out of the
    ordinary (aliases, merge keys, explicit or unknown tags, complex or repeated keys, several
    documents, deep nesting, any parse error) returns _FALLBACK, and the caller takes the full
    way, which reports it exactly as before.
    """
    loader = _DataLoader(text)
    resolvers = loader.yaml_implicit_resolvers
    construct = loader.yaml_constructors
    plain: dict[str, Any] = {}  # plain scalar -> value: repeated keys share one string
    stack: list[list[Any]] = []  # open containers: [dict or list, pending key or _FALLBACK]
    documents = 0
    root: Any = None
    try:
        while (event := loader.get_event()) is not None:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = event.value
                if event.tag not in (None, "!"):
                    return _FALLBACK
                if event.implicit[0]:
                    if (obj := plain.get(value, _FALLBACK)) is _FALLBACK:
                        tag = next((t for t, rx in resolvers.get(value[:1], ())
                                    if rx.match(value)), _STR)
                        if tag not in _SCALAR_TAGS:
                            return _FALLBACK
                        obj = value if tag == _STR else construct[tag](
                            loader, yaml.ScalarNode(tag, value))
                        plain[value] = obj
                    value = obj
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!", _MAP if kind is yaml.MappingStartEvent else _SEQ):
                    return _FALLBACK
                if len(stack) >= _FAST_MAX_DEPTH:
                    return _FALLBACK
                stack.append([{} if kind is yaml.MappingStartEvent else [], _FALLBACK])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return _FALLBACK
                continue
            elif kind is yaml.StreamStartEvent or kind is yaml.DocumentEndEvent:
                continue
            elif kind is yaml.StreamEndEvent:
                break
            else:  # an alias, or anything new
                return _FALLBACK
            if not stack:
                root = value
            elif type((parent := stack[-1])[0]) is list:
                parent[0].append(value)
            elif parent[1] is _FALLBACK:  # a key
                if (type(value) is not str and value.__class__ not in (int, float, bool)
                        and value is not None) or value in parent[0]:
                    return _FALLBACK  # complex or repeated: the full way reports it
                parent[1] = value
            else:
                parent[0][parent[1]] = value
                parent[1] = _FALLBACK
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return _FALLBACK
    finally:
        loader.dispose()
    return root


# Where an alias may be (a "*name" token); without one, no value is shared and nothing to count.
_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s*]", re.MULTILINE)


def _expanded_size(root: Any, limit: int) -> str | None:
    """Why the parsed YAML cannot be used (an alias cycle, or too many values), or None.

    Aliases make shared references, so parsing is cheap; anything that walks the data (the
    models, a message) would see every copy. Counted with memory of shared parts, iteratively.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        obj, done = stack.pop()
        children = (
            [*obj.keys(), *obj.values()] if isinstance(obj, dict)
            else obj if isinstance(obj, list) else None
        )
        if children is None:
            continue
        oid = id(obj)
        if done:
            on_path.discard(oid)
            sizes[oid] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[oid] > limit:
                return (f"stands for more than {limit:,} values once its aliases are expanded "
                        "(an alias bomb?)")
            continue
        if oid in sizes:
            continue
        if oid in on_path:
            return "contains an alias that refers to itself"
        on_path.add(oid)
        stack.append((obj, True))
        stack.extend((c, False) for c in children if isinstance(c, dict | list))
    return None


def read_yaml(path: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """A YAML mapping, or None with the reason appended to problems."""
    try:
        raw = geo.read_data_file(path, label, problems)
    except FileNotFoundError:
        problems.append(Problem(label, "file not found"))
        return None
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, f"is not UTF-8 text (byte {exc.start}); is it binary?"))
        return None
    if "\x00" in text:
        problems.append(Problem(label, "contains NUL bytes; is it binary?"))
        return None
    try:
        aliases = "*" in text and _ALIAS.search(text) is not None
        data = _fast_yaml(text) if not aliases else _FALLBACK
        if data is _FALLBACK:
            data = yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(label, f"is not valid YAML{where}: {cut_text(reason)}"))
        return None
    except RecursionError:
        problems.append(Problem(label, "is nested too deeply to be read"))
        return None
    except Exception as exc:
        problems.append(Problem(label, f"cannot be read as YAML: {cut_text(str(exc))}"))
        return None
    if data is None:
        problems.append(Problem(label, "is empty"))
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(label, f"must be a mapping of sections at the top, got a {kind_name(data)}")
        )
        return None
    if aliases and (why := _expanded_size(data, MAX_YAML_VALUES)):
        problems.append(Problem(label, why))
        return None
    return data


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while loading.

    Loading makes hundreds of thousands of small objects (parsed values, models) and almost no
    reference cycles; each object counts towards a collection, and each full collection walks
    everything the process holds (pandas, geopandas, the app). At 2,000 exhibits that was
    about 40% of the load time. Reference counting still frees memory as usual; the collector
    is switched back on (if it was on) however loading ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

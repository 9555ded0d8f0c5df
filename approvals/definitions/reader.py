"""Process files as YAML with the line of every key, and a reader that refuses a value with
the file, the line and the field: ``contract.yaml:14: stages[1].rule: ...``."""

from __future__ import annotations

import re
from typing import Any

import yaml

from approvals.core.errors import DefinitionError
from approvals.core.model import Label

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
PROCESS_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class Map(dict):
    line: int = 0
    key_lines: dict
    duplicates: dict


class Seq(list):
    line: int = 0
    item_lines: list


class Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: Loader, node: yaml.MappingNode) -> Map:
    result = Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = {}  # key -> line of its second occurrence (a merged << key may repeat)
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    seen = set()
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key",
                key_node.start_mark) from None
        if id(key_node) in own:
            if key in seen:
                result.duplicates.setdefault(key, key_node.start_mark.line + 1)
            seen.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: Loader, node: yaml.SequenceNode) -> Seq:
    result = Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class Reader:
    """Reads a parsed YAML tree, raising :class:`DefinitionError` with file and line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Any, where: str, problem: str, key: str | int | None = None) -> None:
        line = getattr(node, "line", None)
        if key is not None and isinstance(node, Map):
            line = node.key_lines.get(key, line)
        elif isinstance(key, int) and isinstance(node, Seq) and key < len(node.item_lines):
            line = node.item_lines[key]
        raise DefinitionError(self.path, line, where, problem)

    def mapping(self, node: Any, where: str, parent: Any = None, key: str | None = None) -> Map:
        if not isinstance(node, dict):
            self.fail(parent if parent is not None else node, where, "expected a mapping", key)
        return node

    def keys(self, node: Map, where: str, allowed: set[str], required: set[str] = frozenset()):
        for key in node:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(node, join(where, str(key)), f"unknown key (expected one of {known})",
                          key)
        for key in sorted(required - set(node)):
            self.fail(node, join(where, key), "is required")

    def label(self, node: Map, key: str, where: str, required: bool = True) -> Label | None:
        value = node.get(key)
        if value is None:
            if required:
                self.fail(node, join(where, key), "is required")
            return None
        if isinstance(value, str) and value.strip():
            return Label(value, value)
        if isinstance(value, dict) and set(value) <= {"en", "ru"} and value:
            en, ru = value.get("en") or value.get("ru"), value.get("ru") or value.get("en")
            if isinstance(en, str) and isinstance(ru, str):
                return Label(en, ru)
        self.fail(node, join(where, key), "expected a text or {en: ..., ru: ...}", key)
        return None

    def key_name(self, value: Any, node: Any, where: str, key: str | None = None) -> str:
        if not isinstance(value, str) or not KEY.match(value):
            self.fail(node, where, f"{value!r} is not a valid name (lowercase letters, digits "
                      "and _ , starting with a letter)", key)
        return value

    def integer(self, node: Map, key: str, where: str, low: int, high: int) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(node, join(where, key), f"expected a whole number from {low} to {high}",
                      key)
        return value


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def no_duplicates(r: Reader, node: Any, where: str) -> None:
    """Refuse a key given twice in one mapping: YAML would silently keep only the last."""
    if isinstance(node, Map):
        for key, line in node.duplicates.items():
            raise DefinitionError(r.path, line, join(where, str(key)), "is given twice")
        for key, value in node.items():
            no_duplicates(r, value, join(where, str(key)))
    elif isinstance(node, Seq):
        for i, item in enumerate(node):
            no_duplicates(r, item, f"{where}[{i}]")




def parse(text: str, path: str) -> Any:
    """The YAML tree of ``text``, every mapping and list knowing its lines."""
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506  # nosec B506  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DefinitionError(path, mark.line + 1 if mark else None, "",
                              f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(path, None, "", f"not valid YAML: {exc}") from exc

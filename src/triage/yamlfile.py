"""YAML with line numbers (ruamel.yaml round-trip), shared by rule, scenario and catalog files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError


class YamlSyntaxError(Exception):
    """Not valid YAML; `line` is 1-based when known."""

    def __init__(self, problem: str, line: int | None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(problem)


def parse(text: str) -> Any:
    """The document, with positions kept on its mappings and lists."""
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(
            str(exc.problem or exc.context), mark.line + 1 if mark else None
        ) from None


def line_of(node: Any, path: Sequence[str | int]) -> int | None:
    """1-based line of the deepest node on `path` that has a known position."""
    line: int | None = None
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and isinstance(node, CommentedMap | CommentedSeq):
        line = node.lc.line + 1
    return line


def plain(node: Any) -> Any:
    """ruamel's containers as plain dicts and lists, for validation."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node

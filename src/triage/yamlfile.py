"""YAML with line numbers (ruamel.yaml round-trip), shared by rule, scenario and catalog files."""

from __future__ import annotations

import io
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


MAX_TEXT = 512 * 1024  # characters in one file
MAX_NESTING = 40  # mappings and lists inside each other


def parse(text: str) -> Any:
    """The document, with positions kept on its mappings and lists.

    Refused before anything is built: files over MAX_TEXT, NUL and lone surrogates,
    anchors and aliases (an alias bomb expands a few hundred bytes into gigabytes), and
    nesting deeper than MAX_NESTING."""
    if len(text) > MAX_TEXT:
        raise YamlSyntaxError(f"the file is over {MAX_TEXT} characters", None)
    for bad, what in (("\x00", "a NUL character"), *_surrogate(text)):
        if bad in text:
            raise YamlSyntaxError(f"contains {what}", text[: text.index(bad)].count("\n") + 1)
    _scan(text)
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(
            str(exc.problem or exc.context), mark.line + 1 if mark else None
        ) from None


def _surrogate(text: str) -> list[tuple[str, str]]:
    found = next((ch for ch in text if "\ud800" <= ch <= "\udfff"), None)
    return [(found, "an invalid character (a lone surrogate)")] if found else []


def _scan(text: str) -> None:
    """Tokens only: no alias is ever expanded and no deep structure is ever built."""
    depth = 0
    try:
        for token in YAML(typ="rt").scan(io.StringIO(text)):
            name = type(token).__name__
            if name in ("AnchorToken", "AliasToken"):
                raise YamlSyntaxError(
                    "anchors and aliases (& and *) are not allowed", token.start_mark.line + 1
                )
            if name.endswith("StartToken") and name != "StreamStartToken":
                depth += 1
                if depth > MAX_NESTING:
                    raise YamlSyntaxError(
                        f"nested more than {MAX_NESTING} levels deep", token.start_mark.line + 1
                    )
            elif name.endswith("EndToken") and name != "StreamEndToken":
                depth -= 1
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

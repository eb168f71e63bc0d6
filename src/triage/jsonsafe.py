"""Defensive JSON: one parser for every body and every JSON line the service reads.

Refused, each with the place where it happened and never the value: text that is not
UTF-8, JSON that does not parse, nesting deeper than `MAX_DEPTH`, integers longer than
`MAX_INT_DIGITS` digits, numbers that are not finite, duplicate keys (the last copy would
silently win), and lone surrogates in keys or strings.

Paths use one style everywhere: `client.languages[0]`, `facts.pain`. A key is named only
when it looks like a code (`^[a-z][a-z0-9_]{0,63}$`); any other key, which may carry
personal data, is named by its position: `facts.#2` is the second key of `facts`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from triage.errors import InvalidCaseError

MAX_DEPTH = 32
MAX_INT_DIGITS = 20
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class JsonProblem(InvalidCaseError):
    """Why a JSON text was refused: a message code (see messages.py) and where."""

    def __init__(self, code: str, path: str = "body", **params: object) -> None:
        if code == "too_deep":
            params.setdefault("max", MAX_DEPTH)
        super().__init__(path, code, **params)


class _Object(dict[str, Any]):
    duplicate: int | None = None  # 1-based position of the first repeated key


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for position, (key, value) in enumerate(pairs, start=1):
        if key in obj and obj.duplicate is None:
            obj.duplicate = position
        obj[key] = value
    return obj


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonProblem("number_too_long")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonProblem("number_not_finite")
    return value


def _constant(_: str) -> Any:
    raise JsonProblem("number_not_finite")


def key_name(key: str, position: int) -> str:
    """How a key is named in a path: itself when it looks like a code, else `#position`."""
    return key if _CODE.match(key) else f"#{position}"


def join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _problem(value: Any, path: str, depth: int, max_depth: int) -> JsonProblem | None:
    """The first thing refused in `value`, in document order, or None."""
    if depth > max_depth:
        return JsonProblem("too_deep", path, max=max_depth)
    if isinstance(value, str):
        return JsonProblem("invalid_text", path or "body") if _has_surrogate(value) else None
    if isinstance(value, dict):
        for position, (key, item) in enumerate(value.items(), start=1):
            if _has_surrogate(key):
                return JsonProblem("invalid_text", join(path, f"#{position}"))
            where = join(path, key_name(key, position))
            if (found := _problem(item, where, depth + 1, max_depth)) is not None:
                return found
        if isinstance(value, _Object) and value.duplicate is not None:
            return JsonProblem("duplicate_key", join(path, f"#{value.duplicate}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _problem(item, join(path, index), depth + 1, max_depth)) is not None:
                return found
    return None


def decode(data: bytes) -> str:
    """The UTF-8 text of `data`, or JsonProblem `invalid_utf8`."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonProblem("invalid_utf8") from None


def parse(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value, or JsonProblem naming where the text was refused."""
    if isinstance(data, bytes):
        data = decode(data)
    try:
        value = json.loads(
            data,
            object_pairs_hook=_pairs,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except RecursionError:
        raise JsonProblem("too_deep") from None
    except json.JSONDecodeError as exc:
        raise JsonProblem("invalid_json", line=exc.lineno, column=exc.colno) from None
    problem = _problem(value, "", 0, max_depth)
    if problem is not None:
        raise problem
    return _plain(value)


def _plain(value: Any) -> Any:
    """Plain dicts (the duplicate marker is for the walk only)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

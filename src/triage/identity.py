"""The identity-code guard: does any string or key of an input look like a Finnish
personal identity code (henkilötunnus)? Case and contact bodies, staff forms, rule files
and catalogs (imports included) are checked by this one scan before anything else, and
an error names where (a path that never repeats the code), never the value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triage.jsonsafe import join, key_name

IDENTITY_MESSAGE = "looks like a henkilötunnus (personal identity code), which is never stored"

# Finnish personal identity code (henkilötunnus): DDMMYY, century sign, 3 digits, check char.
IDENTITY_CODE = re.compile(
    r"(?<![0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![0-9A-Za-z])", re.I
)


def find_identity_code(value: Any, path: str = "") -> str | None:
    """The path of the first string or key that looks like a henkilötunnus, or None. Keys
    are named by position (`facts.#2`), so the path never repeats the code itself."""
    if not path and not _holds_identity_code(value):
        return None  # the usual case, found without building a path for every value
    if isinstance(value, str):
        return (path or "body") if IDENTITY_CODE.search(value) else None
    if isinstance(value, Mapping):
        for position, (k, v) in enumerate(value.items(), start=1):
            key = str(k)
            if IDENTITY_CODE.search(key):
                return join(path, f"#{position}")
            found = find_identity_code(v, join(path, key_name(key, position)))
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = find_identity_code(v, join(path, i))
            if found:
                return found
    return None


def identity_code_line(text: str) -> int | None:
    """The line (from 1) of the first henkilötunnus-like code in a file's text, comments
    included (a rule file is stored as written), or None."""
    if not _holds_identity_code(text):
        return None
    found = IDENTITY_CODE.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


_SCALARS = frozenset({bool, int, float, type(None)})  # type checks first: an ABC's are slow
_DIGIT_TO_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)


def _holds_identity_code(value: Any) -> bool:
    """Whether any string or key in `value` holds one: every text gathered without
    recursion (only containers go on the stack), then one search over them joined by
    newlines (no match can span a newline, and a newline bounds a code like the ends of a
    string do). The regex scans slowly, so ASCII text without six digits in a row (a code
    has them) is passed without it; other text (\\d matches any Unicode digit) is searched."""
    texts: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        kind = type(v)
        if kind is dict:
            for k, item in v.items():
                texts.append(k if type(k) is str else str(k))
                if type(item) is str:
                    texts.append(item)
                elif type(item) not in _SCALARS:
                    stack.append(item)
        elif kind is list:
            for item in v:
                if type(item) is str:
                    texts.append(item)
                elif type(item) not in _SCALARS:
                    stack.append(item)
        elif kind in _SCALARS:
            continue
        elif isinstance(v, str):
            texts.append(v)
        elif isinstance(v, Mapping):
            texts.extend(str(k) for k in v)
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    text = "\n".join(texts)
    if text.isascii() and b"000000" not in text.encode().translate(_DIGIT_TO_ZERO):
        return False
    return IDENTITY_CODE.search(text) is not None

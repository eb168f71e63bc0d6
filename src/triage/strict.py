"""The strict base model for every file and request format, and the one place where a
pydantic validation error becomes a field path and a message."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError


class Strict(BaseModel):
    """No unknown keys, no type coercion, immutable once read."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Problem:
    """The first problem of a validation error: where (`loc`) and what (`message`)."""

    loc: tuple[str | int, ...]
    message: str
    kind: str
    context: dict[str, Any] = field(default_factory=dict)

    def item_id(self, document: Any, key: str) -> str | None:
        """The `id` of the list item the problem is in, e.g. the rule of `rules.3.then`."""
        if len(self.loc) >= 2 and self.loc[0] == key and isinstance(self.loc[1], int):
            try:
                return str(document[key][self.loc[1]]["id"])
            except (KeyError, IndexError, TypeError):
                return None
        return None

    @property
    def path(self) -> str:
        """`loc` as a dotted path: `client.languages.0`."""
        return ".".join(str(p) for p in self.loc)


_UNION_TAG = re.compile(r"^(bool|int|float|str|function-.*|json-.*|list\[.*\]|dict\[.*\])$")


def first_problem(exc: PydanticValidationError) -> Problem:
    """The most telling error of a validation error (see `problem_of`)."""
    return problem_of(exc.errors())


def problem_of(errors: Sequence[Mapping[str, Any]], skip: Collection[str] = ()) -> Problem:
    """The most telling of pydantic's error dicts: a misspelt key shows as "required" and
    "extra" at once, and the extra one says more. Union-member tags pydantic adds to `loc`,
    and the parts named in `skip` (FastAPI's "body", "query"), are dropped."""
    if not errors:
        return Problem((), "invalid input", "invalid")
    err = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    loc = tuple(
        p
        for p in err.get("loc", ())
        if not (isinstance(p, str) and (_UNION_TAG.match(p) or p in skip))
    )
    return Problem(
        loc,
        str(err.get("msg", "invalid input")),
        str(err.get("type", "invalid")),
        dict(err.get("ctx") or {}),
    )

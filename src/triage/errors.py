"""One error tree for everything a caller or rule author can get wrong.

    TriageError
    ├── InvalidCaseError        a case (HTTP body, CLI line) breaks the contract; names the field
    ├── RuleFileError           a rule file is malformed; names file, line, rule id, suggestion
    │   └── RuleConflictError   two same-priority rules with different outcomes can both be true
    ├── ScenarioError           a scenario file is malformed; names file and line
    ├── CatalogError            a provider catalog is invalid; names provider id and field
    ├── EngineError             the rule engine failed while evaluating (never the caller's fault)
    ├── NotFoundError           no such decision (or other stored thing)
    ├── AuthError               no valid API key (401) or the key's role may not do this (403)
    └── StorageError            the database could not be reached in time (503)

Errors carry their data as attributes so that the CLI and the HTTP layer can render them
without parsing messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from triage.messages import Locale, render


class TriageError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidCaseError(TriageError):
    """Input breaks the contract. `field` is a path such as `facts.pain` or
    `client.languages[0]`; `code` and `params` make the message (see messages.py) in any
    locale. Neither ever holds a submitted value."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = params
        super().__init__(f"{field}: {self.render('en')}" if field else self.render("en"))

    @property
    def message(self) -> str:
        return self.render("en")

    def render(self, locale: Locale) -> str:
        return render(self.code, locale, **self.params)


class RuleFileError(TriageError):
    """A rule file cannot be loaded. The message names file and line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        rule_id: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.rule_id = rule_id
        self.suggestion = suggestion
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file or "<rules>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.rule_id:
            text += f"rule {self.rule_id}: "
        text += self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text


class RuleConflictError(RuleFileError):
    """Two rules of equal priority and different outcomes are both true for `example`."""

    def __init__(
        self,
        message: str,
        *,
        rule_ids: tuple[str, str],
        example: dict[str, object],
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        self.rule_ids = rule_ids
        self.example = example
        super().__init__(message, file=file, line=line, rule_id=rule_ids[0])


class ScenarioError(TriageError):
    """A scenario file cannot be read; `problem`: the JSON reader's, when it refused it."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        problem: InvalidCaseError | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


class CatalogError(TriageError):
    """A provider catalog cannot be loaded; the old catalog stays in place. `problem`: the
    JSON reader's, when it refused the file."""

    def __init__(
        self,
        message: str,
        *,
        provider_id: str | None = None,
        field: str | None = None,
        file: str | None = None,
        line: int | None = None,
        problem: InvalidCaseError | None = None,
    ) -> None:
        self.message = message
        self.problem = problem
        self.provider_id = provider_id
        self.field = field
        self.file = file
        self.line = line
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        who = f"provider {provider_id}: " if provider_id else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{who}{what}{message}")


class EngineError(TriageError):
    """The rule engine failed; the message carries the engine's own code."""


class NotFoundError(TriageError):
    """The thing asked for does not exist."""


class AuthError(TriageError):
    """`status` is 401 for a missing or invalid key, 403 for a key of the wrong role."""

    def __init__(self, status: int, message: str, role: str | None = None) -> None:
        self.status = status
        self.role = role
        super().__init__(message)


class StorageError(TriageError):
    """The database did not answer; the decision was not given."""


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one, if any is close enough."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None

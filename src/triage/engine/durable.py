"""The only module that imports durable_rules; it drives the C extension directly.

Measured traps of durable_rules 2.0.28 and how this module avoids them:

- Sessions are never freed without `delete_state` (the 1,025th raises MemoryError), and
  `delete_state` on a session whose fact matched nothing was reported to segfault: every
  ruleset has a catch-all rule, and an unmatched assertion is an error.
- Creating a session zeroes per-rule frame indexes (about 190 KB for a case of the
  shipped needs: 40 % of an evaluation's instructions under callgrind, and it grows with
  the rule count). So each ruleset keeps one session: a case's fact is asserted, its
  actions run, and the fact is retracted, which leaves the session empty for the next
  case. If anything fails between assertion and retraction, the session is deleted and
  the next case gets a fresh one.
- A shared sid across threads loses activations, and the C engine is not thread-safe:
  one process-wide lock around every use of a session.
- A ruleset stays in memory until `delete_ruleset` (about 0.9 MB per rule set of the
  shipped needs): rulesets are named by a hash of their content, shared by every engine
  that uses the same content, counted, and deleted when the last engine using them is
  garbage-collected. So a reload costs memory only while the old rules are still in use.
- `engine.Host` runs timer threads that take over in-flight actions (error 307): we do
  not use it; every pending action is completed here, in the calling thread.
- Numbers written with an exponent (`1e-05`) are rejected: numbers are written in plain
  decimal notation. Only validated values reach this module (equality coerces types).
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal

import durable_rules_engine as _dre

from triage.engine.compiler import CATCH_ALL, CompiledNeed
from triage.engine.policy import RuleTruths
from triage.errors import EngineError
from triage.rules.model import Value

# Re-entrant: a garbage-collection pass may release an engine inside a locked section.
_LOCK = threading.RLock()
_SIDS = itertools.count(1)
_HANDLES: dict[str, tuple[int, int]] = {}  # ruleset name (content hash) -> (handle, users)
_SESSIONS: dict[int, int] = {}  # ruleset handle -> the sid of its one session


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text


def encode(values: Mapping[str, Value], fields: Mapping[str, str], sid: int) -> str:
    """The case fact as durable_rules JSON: discriminator, sid, id (one fact per session
    at a time), and the known values only."""
    parts = [f'{{"kind":"case","sid":"{sid}","id":"case"']
    for code, value in values.items():
        if value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif type(value) is int:
            text = str(value)
        elif type(value) is str and value.isascii() and value.replace("_", "").isalnum():
            text = f'"{value}"'  # a code: nothing to escape
        elif isinstance(value, float):
            text = _number(value)
        else:
            text = json.dumps(value, ensure_ascii=False)
        parts.append(f'"{fields[code]}":{text}')
    return ",".join(parts) + "}"


def _acquire(compiled: CompiledNeed) -> int:
    with _LOCK:
        found = _HANDLES.get(compiled.ruleset_name)
        if found is not None:
            _HANDLES[compiled.ruleset_name] = (found[0], found[1] + 1)
            return found[0]
        try:
            handle = _dre.create_ruleset(
                compiled.ruleset_name, definition_json(compiled.definition)
            )
        except _dre.error as exc:
            raise EngineRefused(compiled.need, refused_action(compiled), str(exc)) from exc
        _HANDLES[compiled.ruleset_name] = (handle, 1)
        return int(handle)


class EngineRefused(EngineError):
    """durable_rules would not take a need's ruleset; `action` is the first engine rule it
    refuses on its own (see compiler: b/t/p + the rule's index), if one alone is refused."""

    def __init__(self, need: str, action: str | None, detail: str) -> None:
        self.need, self.action = need, action
        super().__init__(f"durable_rules refused need {need}: {detail}")


def definition_json(value: object) -> str:
    """JSON as durable_rules reads it: numbers in plain decimal notation (it refuses
    exponents such as 1e-05 with error 204)."""
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{definition_json(v)}"
            for k, v in value.items()
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(definition_json(v) for v in value) + "]"
    if isinstance(value, float):
        return _number(value)
    return json.dumps(value, ensure_ascii=False)


def refused_action(compiled: CompiledNeed) -> str | None:
    """The first engine rule that durable_rules refuses alone (for a file:line message)."""
    for name, rule in compiled.definition.items():
        trial = {name: rule, CATCH_ALL: compiled.definition[CATCH_ALL]}
        try:
            handle = _dre.create_ruleset(f"{compiled.ruleset_name}_probe", definition_json(trial))
        except _dre.error:
            return name
        _dre.delete_ruleset(handle)
    return None


def _release(names: tuple[str, ...]) -> None:
    with _LOCK:
        for name in names:
            handle, users = _HANDLES[name]
            if users > 1:
                _HANDLES[name] = (handle, users - 1)
            else:
                del _HANDLES[name]
                _SESSIONS.pop(handle, None)
                _dre.delete_ruleset(handle)


class DurableEngine:
    """Evaluates cases against compiled rulesets (one per need)."""

    def __init__(self, compiled: Mapping[str, CompiledNeed]) -> None:
        self._needs: dict[str, tuple[CompiledNeed, int]] = {}
        acquired: list[str] = []
        try:
            for need, c in compiled.items():
                self._needs[need] = (c, _acquire(c))
                acquired.append(c.ruleset_name)
        except EngineError:
            _release(tuple(acquired))
            raise
        weakref.finalize(self, _release, tuple(acquired))

    def evaluate(self, need: str, values: Mapping[str, Value]) -> RuleTruths:
        compiled, handle = self._needs[need]
        with _LOCK:
            return _truths(compiled, _fire(compiled, handle, values))

    def evaluate_many(self, need: str, many: Sequence[Mapping[str, Value]]) -> list[RuleTruths]:
        """`evaluate` for many value sets of one need, under one lock. Each case still has
        a session of its own, asserted, run and deleted in turn: asserting them all in one
        `assert_facts` call was measured 4x slower (durable_rules' `start_action` then
        searches every pending session), and sharing a session mixes their matches."""
        compiled, handle = self._needs[need]
        with _LOCK:
            return [_truths(compiled, _fire(compiled, handle, values)) for values in many]


def _fire(compiled: CompiledNeed, handle: int, values: Mapping[str, Value]) -> list[str]:
    """The actions durable_rules fires for one case, in the ruleset's one session, which
    is left empty again (the caller holds _LOCK)."""
    fired: list[str] = []
    sid = _SESSIONS.get(handle)
    if sid is None:
        sid = _SESSIONS[handle] = next(_SIDS)
    payload = encode(values, compiled.fields, sid)
    asserted = False  # the catch-all guarantees a match once the fact is asserted
    try:
        result = _dre.assert_fact(handle, payload)
        if result[0] != 0:
            raise EngineError(f"case was not handled (engine result {result[0]})")
        asserted = True
        state_handle = result[1]
        started = _dre.start_action_for_state(handle, state_handle)
        if started and '"exception"' in started[0]:
            raise EngineError("engine state holds an exception")
        message = started[1] if started else None
        while message:
            fired.append(message[2 : message.index('"', 2)])
            message = _dre.complete_and_start_action(handle, state_handle)
        _dre.retract_fact(handle, payload)
        asserted = False
    except _dre.error as exc:
        raise EngineError(f"durable_rules failed: {exc}") from exc
    finally:
        if asserted:  # the session may hold the fact or an action: start afresh
            del _SESSIONS[handle]
            _dre.delete_state(handle, str(sid))
    return fired


def _truths(compiled: CompiledNeed, fired: list[str]) -> RuleTruths:
    if CATCH_ALL not in fired:
        raise EngineError("the catch-all rule did not fire")
    definite: set[str] = set()
    possible: set[str] = set()
    for name in fired:
        action = compiled.actions.get(name)
        if action is None:
            continue
        possible.add(action.rule_id)
        if action.definite:
            definite.add(action.rule_id)
    return RuleTruths(frozenset(definite), frozenset(possible))


def registered_rulesets() -> int:
    """How many rulesets this process holds now (those of engines still in use)."""
    return len(_HANDLES)

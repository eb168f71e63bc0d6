"""The rule-file format and its loader.

`rules/common.yaml` holds urgencies, services, red flags and rules applying to every need;
`rules/needs/*.yaml` hold one need each: its facts and rules. Every error names the file,
the line and, where there is one, the rule id, with a "did you mean" for unknown names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from triage.errors import RuleFileError, did_you_mean
from triage.rules.model import (
    CLIENT_ATTRIBUTES,
    ORDER_OPS,
    All,
    Always,
    AnyOf,
    Compare,
    Condition,
    Fact,
    Known,
    Missing,
    Need,
    Not,
    Op,
    RedFlagAny,
    Rule,
    RuleSet,
    Text,
    Value,
)
from triage.yamlfile import YamlSyntaxError, line_of, parse, plain

CODE = r"^[a-z][a-z0-9_]*$"
RULE_ID = r"^[a-z0-9][a-z0-9-]{1,63}$"
# Field names the engine uses on the case fact, or that durable_rules treats specially.
RESERVED_FACTS = frozenset({"id", "sid", "kind", "red_flag_count"})
OPS: tuple[Op, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in")

# --- file schema (pydantic) -----------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TextIn(_Strict):
    fi: StrictStr = Field(min_length=1)
    sv: StrictStr | None = Field(default=None, min_length=1)
    en: StrictStr | None = Field(default=None, min_length=1)

    def to_text(self) -> Text:
        return Text(fi=self.fi, sv=self.sv, en=self.en)


class FactIn(_Strict):
    type: Literal["enum", "bool", "int", "number"]
    question: TextIn
    values: list[StrictStr] | None = None
    min: StrictInt | StrictFloat | None = None
    max: StrictInt | StrictFloat | None = None
    default: StrictBool | StrictInt | StrictFloat | StrictStr | None = None
    unit: StrictStr | None = None


class ThenIn(_Strict):
    service: StrictStr
    urgency: StrictStr


class RuleIn(_Strict):
    id: str = Field(pattern=RULE_ID)
    priority: StrictInt = Field(ge=0, le=10_000)
    description: TextIn
    justification: StrictStr | None = Field(default=None, min_length=10)
    when: Any
    then: ThenIn


class CommonFileIn(_Strict):
    urgencies: dict[str, TextIn] = Field(min_length=1)
    services: dict[str, TextIn] = Field(min_length=1)
    red_flags: dict[str, TextIn]
    rules: list[RuleIn] = Field(default_factory=list)


class NeedFileIn(_Strict):
    need: str = Field(pattern=CODE)
    name: TextIn
    facts: dict[str, FactIn]
    rules: list[RuleIn] = Field(min_length=1)


# --- YAML with positions --------------------------------------------------------------


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        return parse(text)
    except YamlSyntaxError as exc:
        raise RuleFileError(
            f"not valid YAML: {exc.problem}", file=str(path), line=exc.line
        ) from None


def _validate(model: type[_Strict], raw: Any, path: Path) -> Any:
    try:
        return model.model_validate(plain(raw))
    except PydanticValidationError as exc:
        errors = exc.errors()
        # A misspelt key shows as "required" and "extra" at once: the extra one says more.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = [p for p in err["loc"] if isinstance(p, str | int)]
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            try:
                rule_id = str(raw["rules"][loc[1]]["id"])
            except (KeyError, IndexError, TypeError):
                rule_id = None
        field = ".".join(str(p) for p in loc) or "<file>"
        suggestion = None
        if err["type"] == "extra_forbidden" and loc:
            allowed = _fields_at(model, loc[:-1])
            suggestion = did_you_mean(str(loc[-1]), allowed)
        raise RuleFileError(
            f"{field}: {err['msg']}",
            file=str(path),
            line=line_of(raw, loc),
            rule_id=rule_id,
            suggestion=suggestion,
        ) from None


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model reached by walking `loc` (for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        current = next(
            (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), annotation
        )
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


# --- building the rule set ------------------------------------------------------------


class _Builder:
    """Turns validated file models into the domain RuleSet, checking every reference."""

    def __init__(self, common: CommonFileIn, common_raw: Any, common_path: Path) -> None:
        self.common = common
        self.seen_rule_ids: dict[str, str] = {}
        for kind in ("urgencies", "services", "red_flags"):
            for code in getattr(common, kind):
                if not re.match(CODE, code):
                    raise RuleFileError(
                        f"{kind}: code {code!r} must match {CODE}",
                        file=str(common_path),
                        line=line_of(common_raw, [kind, code]),
                    )

    def rule(
        self, rin: RuleIn, raw: Any, path: Path, index: int, facts: Mapping[str, Fact]
    ) -> Rule:
        where: list[str | int] = ["rules", index]
        line = line_of(raw, where)

        def fail(msg: str, sub: Sequence[str | int] = (), suggestion: str | None = None) -> None:
            raise RuleFileError(
                msg,
                file=str(path),
                line=line_of(raw, [*where, *sub]) or line,
                rule_id=rin.id,
                suggestion=suggestion,
            )

        if rin.id in self.seen_rule_ids:
            fail(f"duplicate rule id, first defined in {self.seen_rule_ids[rin.id]}", ["id"])
        self.seen_rule_ids[rin.id] = f"{path}:{line}"
        if rin.then.service not in self.common.services:
            fail(
                f"then.service: unknown service {rin.then.service!r}",
                ["then", "service"],
                did_you_mean(rin.then.service, self.common.services),
            )
        if rin.then.urgency not in self.common.urgencies:
            fail(
                f"then.urgency: unknown urgency {rin.then.urgency!r}",
                ["then", "urgency"],
                did_you_mean(rin.then.urgency, self.common.urgencies),
            )
        when_raw = raw["rules"][index].get("when")
        condition = _ConditionParser(facts, path, rin.id).parse(when_raw, [*where, "when"], raw)
        return Rule(
            id=rin.id,
            priority=rin.priority,
            description=rin.description.to_text(),
            when=condition,
            service=rin.then.service,
            urgency=rin.then.urgency,
            justification=rin.justification,
            file=str(path),
            line=line,
        )


class _ConditionParser:
    def __init__(self, facts: Mapping[str, Fact], path: Path, rule_id: str) -> None:
        self.facts = facts
        self.path = path
        self.rule_id = rule_id

    def fail(
        self, msg: str, root: Any, loc: Sequence[str | int], suggestion: str | None = None
    ) -> None:
        raise RuleFileError(
            msg,
            file=str(self.path),
            line=line_of(root, loc),
            rule_id=self.rule_id,
            suggestion=suggestion,
        )

    def fact(self, name: Any, root: Any, loc: Sequence[str | int]) -> Fact:
        known = {**self.facts, **CLIENT_ATTRIBUTES}
        if not isinstance(name, str) or name not in known:
            self.fail(
                f"unknown fact {name!r}",
                root,
                loc,
                did_you_mean(str(name), known) if isinstance(name, str) else None,
            )
        return known[name]

    def parse(self, node: Any, loc: list[str | int], root: Any) -> Condition:
        if node == "always":
            return Always()
        if not isinstance(node, Mapping) or not node:
            self.fail(
                "a condition is 'always' or a mapping with all, any, not, known, missing, "
                "red_flags or fact",
                root,
                loc,
            )
        keys = set(node)
        if "fact" in keys:
            return self.compare(node, loc, root)
        if len(keys) != 1:
            self.fail(f"a condition has exactly one key, got {sorted(keys)}", root, loc)
        (key,) = keys
        value = node[key]
        sub = [*loc, key]
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                self.fail(f"{key} takes a non-empty list of conditions", root, sub)
            items = tuple(self.parse(v, [*sub, i], root) for i, v in enumerate(value))
            return All(items) if key == "all" else AnyOf(items)
        if key == "not":
            return Not(self.parse(value, sub, root))
        if key in ("known", "missing"):
            fact = self.fact(value, root, sub)
            return Known(fact.code) if key == "known" else Missing(fact.code)
        if key == "red_flags":
            if value != "any":
                self.fail("red_flags takes the value 'any'", root, sub)
            return RedFlagAny()
        self.fail(
            f"unknown condition {key!r}",
            root,
            sub,
            did_you_mean(str(key), ["all", "any", "not", "known", "missing", "red_flags", "fact"]),
        )
        raise AssertionError("unreachable")  # pragma: no cover

    def compare(self, node: Mapping[str, Any], loc: list[str | int], root: Any) -> Compare:
        fact = self.fact(node["fact"], root, [*loc, "fact"])
        ops = [k for k in node if k != "fact"]
        if len(ops) != 1 or ops[0] not in OPS:
            bad = next((k for k in ops if k not in OPS), None)
            self.fail(
                f"a comparison has one operator of {', '.join(OPS)}; got {ops}",
                root,
                loc,
                did_you_mean(str(bad), OPS) if bad else None,
            )
        op = cast(Op, ops[0])
        raw_value = plain(node[op])
        sub = [*loc, op]
        if op in ORDER_OPS and fact.type not in ("int", "number"):
            self.fail(f"{op} needs a numeric fact; {fact.code} is {fact.type}", root, sub)
        if fact.type == "bool" and op not in ("eq", "ne"):
            self.fail(f"{fact.code} is bool: use eq or ne", root, sub)
        if op == "in":
            if (
                fact.type not in ("enum", "code")
                or not isinstance(raw_value, list)
                or not raw_value
            ):
                self.fail("in takes a non-empty list and an enum fact", root, sub)
            return Compare(fact.code, op, tuple(self.value(fact, v, root, sub) for v in raw_value))
        return Compare(fact.code, op, self.value(fact, raw_value, root, sub))

    def value(self, fact: Fact, value: Any, root: Any, loc: Sequence[str | int]) -> Value:
        ok = _type_ok(fact, value)
        if not ok:
            self.fail(f"value {value!r} is not a valid {fact.type} for {fact.code}", root, loc)
        if fact.type == "enum" and value not in fact.values:
            self.fail(
                f"{fact.code} has no value {value!r}",
                root,
                loc,
                did_you_mean(str(value), fact.values),
            )
        if fact.type == "code" and not re.fullmatch(r"\d{3}", str(value)):
            self.fail(f"{fact.code} values are 3-digit codes, got {value!r}", root, loc)
        result: Value = value
        return result


def _type_ok(fact: Fact, value: Any) -> bool:
    if fact.type == "bool":
        return isinstance(value, bool)
    if fact.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if fact.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def _build_fact(code: str, fin: FactIn, raw: Any, path: Path) -> Fact:
    loc: list[str | int] = ["facts", code]

    def fail(msg: str, sub: str | None = None) -> None:
        raise RuleFileError(
            f"facts.{code}: {msg}", file=str(path), line=line_of(raw, [*loc, sub] if sub else loc)
        )

    if not re.match(CODE, code):
        fail(f"a fact code must match {CODE}")
    if code in RESERVED_FACTS or code.startswith("client"):
        fail("this name is reserved by the engine")
    values: tuple[str, ...] = ()
    if fin.type == "enum":
        if not fin.values:
            fail("an enum fact needs a non-empty list of values", "values")
        values = tuple(fin.values or ())
        if len(set(values)) != len(values):
            fail("values repeat", "values")
        for v in values:
            if not re.match(CODE, v):
                fail(f"value {v!r} must match {CODE}", "values")
    elif fin.values is not None:
        fail("only enum facts have values", "values")
    if fin.type in ("int", "number"):
        if fin.min is None or fin.max is None or fin.min > fin.max:
            fail("a numeric fact needs min <= max")
        if fin.type == "int" and not (isinstance(fin.min, int) and isinstance(fin.max, int)):
            fail("an int fact needs whole-number min and max")
    elif fin.min is not None or fin.max is not None:
        fail("only numeric facts have min and max")
    fact = Fact(
        code=code,
        type=fin.type,
        question=fin.question.to_text(),
        values=values,
        min=fin.min,
        max=fin.max,
        unit=fin.unit,
        file=str(path),
        line=line_of(raw, loc),
    )
    if fin.default is not None:
        from triage.domain.case import check_fact_value  # local: validation imports this module

        problem = check_fact_value(fact, fin.default)
        if problem:
            fail(f"default: {problem}", "default")
        fact = Fact(**{**fact.__dict__, "default": fin.default})
    return fact


def read_rule_files(directory: str | Path) -> dict[str, str]:
    """The rule files under `directory` as {relative path: text}."""
    root = Path(directory)
    files: dict[str, str] = {}
    if (root / "common.yaml").is_file():
        files["common.yaml"] = (root / "common.yaml").read_text(encoding="utf-8")
    for path in sorted((root / "needs").glob("*.yaml")):
        files[f"needs/{path.name}"] = path.read_text(encoding="utf-8")
    return files


def load_rules(directory: str | Path) -> RuleSet:
    """Load and validate every rule file under `directory`; raise RuleFileError at the first."""
    return load_rule_files(read_rule_files(directory), root=Path(directory))


def load_rule_files(files: Mapping[str, str], root: Path = Path()) -> RuleSet:
    """Load rules from {relative path: text}: `common.yaml` and `needs/<need>.yaml`.

    Errors name files as `root / relative path`.
    """
    unexpected = [
        n for n in files if n != "common.yaml" and not re.fullmatch(r"needs/[\w-]+\.yaml", n)
    ]
    if unexpected:
        raise RuleFileError(
            "rule files are common.yaml and needs/<need>.yaml", file=str(root / unexpected[0])
        )
    if "common.yaml" not in files:
        raise RuleFileError("missing common.yaml (urgencies, services, red flags)", file=str(root))
    need_names = sorted(n for n in files if n != "common.yaml")
    if not need_names:
        raise RuleFileError("no need files in needs/*.yaml", file=str(root))

    digest = hashlib.sha256()
    common_path = root / "common.yaml"
    text = files["common.yaml"]
    common_raw = _parse_yaml(text, common_path)
    digest.update(b"common.yaml\0" + text.encode())
    common: CommonFileIn = _validate(CommonFileIn, common_raw, common_path)
    builder = _Builder(common, common_raw, common_path)
    common_rules = tuple(
        builder.rule(r, common_raw, common_path, i, {}) for i, r in enumerate(common.rules)
    )

    needs: dict[str, Need] = {}
    for name in need_names:
        path = root / name
        text = files[name]
        raw = _parse_yaml(text, path)
        digest.update(name.encode() + b"\0" + text.encode())
        nin: NeedFileIn = _validate(NeedFileIn, raw, path)
        if nin.need in needs:
            raise RuleFileError(
                f"need {nin.need!r} is defined twice (also in {needs[nin.need].file})",
                file=str(path),
                line=line_of(raw, ["need"]),
            )
        facts = {code: _build_fact(code, fin, raw, path) for code, fin in nin.facts.items()}
        rules = tuple(builder.rule(r, raw, path, i, facts) for i, r in enumerate(nin.rules))
        needs[nin.need] = Need(
            code=nin.need, name=nin.name.to_text(), facts=facts, rules=rules, file=str(path)
        )

    return RuleSet(
        urgencies={k: v.to_text() for k, v in common.urgencies.items()},
        services={k: v.to_text() for k, v in common.services.items()},
        red_flags={k: v.to_text() for k, v in common.red_flags.items()},
        needs=needs,
        common_rules=common_rules,
        version="sha256:" + digest.hexdigest()[:16],
    )

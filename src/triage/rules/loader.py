"""Loading rule files into a RuleSet.

`rules/common.yaml` holds urgencies, services, red flags and rules applying to every need;
`rules/needs/*.yaml` hold one need each: its facts and rules. Every error names the file,
the line and, where there is one, the rule id, with a "did you mean" for unknown names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from triage.errors import RuleFileError, did_you_mean
from triage.identity import IDENTITY_MESSAGE, find_identity_code, identity_code_line
from triage.rules.conditions import ConditionParser
from triage.rules.model import Fact, Need, Rule, RuleSet, Text
from triage.rules.schema import (
    CODE,
    CommonFileIn,
    FactIn,
    NeedFileIn,
    RuleIn,
    calendar_of,
    check_fact_value,
    parse_yaml,
    validate,
)
from triage.rules.timing import Deadline
from triage.safefiles import UnsafeFile, read_text
from triage.yamlfile import line_of, plain

# Field names the engine uses on the case fact, or that durable_rules treats specially.
RESERVED_FACTS = frozenset({"id", "sid", "kind", "red_flag_count", "red_flags"})

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
        for i, notice in enumerate(rin.notices):
            if notice not in self.common.notices:
                fail(
                    f"notices: unknown notice {notice!r}",
                    ["notices", i],
                    did_you_mean(notice, self.common.notices),
                )
        when_raw = raw["rules"][index].get("when")
        condition = ConditionParser(facts, path, rin.id).parse(when_raw, [*where, "when"], raw)
        return Rule(
            id=rin.id,
            priority=rin.priority,
            description=rin.description.to_text(),
            when=condition,
            service=rin.then.service,
            urgency=rin.then.urgency,
            justification=rin.justification,
            safety_net=rin.safety_net.to_text() if rin.safety_net else None,
            instruction=rin.instruction.to_text() if rin.instruction else None,
            notices=tuple(rin.notices),
            file=str(path),
            line=line,
        )


def _build_fact(code: str, fin: FactIn, raw: Any, path: Path, policy: int) -> Fact:
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
    for value in fin.labels or {}:
        if value not in values:
            fail(f"labels: {value!r} is not one of the values", "labels")
    labels = tuple((v, fin.labels[v].to_text()) for v in values if fin.labels and v in fin.labels)
    if fin.type in ("int", "number"):
        if fin.min is None or fin.max is None or fin.min > fin.max:
            fail("a numeric fact needs min <= max")
        if fin.type == "int" and not (isinstance(fin.min, int) and isinstance(fin.max, int)):
            fail("an int fact needs whole-number min and max")
    elif fin.min is not None or fin.max is not None:
        fail("only numeric facts have min and max")
    if policy < 3 and (fin.safety or fin.deprecated or fin.not_known == "accepted"):
        fail("safety, not_known and deprecated need `policy: 3` in common.yaml")
    if fin.question is None and not fin.deprecated:
        fail("a fact needs a question (only a deprecated fact has none)", "question")
    if fin.question is not None and fin.deprecated:
        fail("a deprecated fact is never asked: remove its question (C5)", "question")
    fact = Fact(
        code=code,
        type=fin.type,
        question=fin.question.to_text() if fin.question else Text(fi=code, sv=code, en=code),
        safety=fin.safety,
        accepts_not_known=fin.not_known == "accepted",
        deprecated=fin.deprecated,
        values=values,
        labels=labels,
        min=fin.min,
        max=fin.max,
        unit=fin.unit,
        file=str(path),
        line=line_of(raw, loc),
    )
    if fin.default is not None:
        problem = check_fact_value(fact, fin.default)
        if problem:
            fail(f"default: {problem}", "default")
        fact = Fact(**{**fact.__dict__, "default": fin.default})
    return fact


MAX_RULE_FILE = 1024 * 1024  # bytes: a whole rule set posted to the API fits in this too


def refuse_identity_codes(raw: Any, path: Path) -> None:
    where = find_identity_code(plain(raw))
    if where is not None:
        raise RuleFileError(f"{IDENTITY_MESSAGE} (at {where})", file=str(path))


def refuse_identity_text(text: str, path: Path) -> None:
    """Before parsing: a code anywhere in the text, a comment included (files are stored
    as written), is refused by line; the parsed data is checked too (escapes)."""
    line = identity_code_line(text)
    if line is not None:
        raise RuleFileError(IDENTITY_MESSAGE, file=str(path), line=line)


def read_rule_files(directory: str | Path) -> dict[str, str]:
    """The rule files under `directory` as {relative path: text}."""
    root = Path(directory)
    files: dict[str, str] = {}
    paths = [root / "common.yaml"] if (root / "common.yaml").exists() else []
    for path in [*paths, *sorted((root / "needs").glob("*.yaml"))]:
        try:
            text = read_text(path, root=root, limit=MAX_RULE_FILE)
        except UnsafeFile as exc:
            raise RuleFileError(str(exc), file=str(path)) from None
        files[path.relative_to(root).as_posix()] = text
    return files


def load_rules(directory: str | Path) -> RuleSet:
    """Load and validate every rule file under `directory`; raise RuleFileError at the first."""
    return load_rule_files(read_rule_files(directory), root=Path(directory))


def load_rule_files(files: Mapping[str, str], root: Path = Path()) -> RuleSet:
    """Load rules from {relative path: text}: `common.yaml` and `needs/<need>.yaml`.

    Errors name files as `root / relative path`.
    """
    unexpected = [
        (i, n)
        for i, n in enumerate(files, start=1)
        if n != "common.yaml" and not re.fullmatch(r"needs/[\w-]{1,64}\.yaml", n, re.ASCII)
    ]
    if unexpected:
        i, name = unexpected[0]
        shown = name if len(name) <= 80 and name.isprintable() else f"file #{i}"
        raise RuleFileError(
            "rule files are common.yaml and needs/<need>.yaml (a need's name: up to 64 "
            "letters, digits, _ or -)",
            file=str(root / shown),
        )
    if "common.yaml" not in files:
        raise RuleFileError("missing common.yaml (urgencies, services, red flags)", file=str(root))
    need_names = sorted(n for n in files if n != "common.yaml")
    if not need_names:
        raise RuleFileError("no need files in needs/*.yaml", file=str(root))

    digest = hashlib.sha256()
    common_path = root / "common.yaml"
    text = files["common.yaml"]
    refuse_identity_text(text, common_path)
    common_raw = parse_yaml(text, common_path)
    refuse_identity_codes(common_raw, common_path)
    digest.update(b"common.yaml\0" + text.encode())
    common: CommonFileIn = validate(CommonFileIn, common_raw, common_path)
    policy = common.policy or 2
    builder = _Builder(common, common_raw, common_path)
    common_rules = tuple(
        builder.rule(r, common_raw, common_path, i, {}) for i, r in enumerate(common.rules)
    )

    needs: dict[str, Need] = {}
    for name in need_names:
        path = root / name
        text = files[name]
        refuse_identity_text(text, path)
        raw = parse_yaml(text, path)
        refuse_identity_codes(raw, path)
        digest.update(name.encode() + b"\0" + text.encode())
        nin: NeedFileIn = validate(NeedFileIn, raw, path)
        if nin.need in needs:
            raise RuleFileError(
                f"need {nin.need!r} is defined twice (also in {needs[nin.need].file})",
                file=str(path),
                line=line_of(raw, ["need"]),
            )
        facts = {code: _build_fact(code, fin, raw, path, policy) for code, fin in nin.facts.items()}
        rules = tuple(builder.rule(r, raw, path, i, facts) for i, r in enumerate(nin.rules))
        needs[nin.need] = Need(
            code=nin.need,
            name=nin.name.to_text(),
            facts=facts,
            rules=rules,
            file=str(path),
            safety_net=nin.safety_net.to_text() if nin.safety_net else None,
            safety_net_line=line_of(raw, ["safety_net"]),
        )

    services = common.services
    for code, service in services.items():
        for i, other in enumerate(service.after_hours or ()):
            if other not in services:
                raise RuleFileError(
                    f"services.{code}.after_hours: unknown service {other!r}",
                    file=str(common_path),
                    line=line_of(common_raw, ["services", code, "after_hours", i]),
                    suggestion=did_you_mean(other, services),
                )
    return RuleSet(
        policy=policy,
        urgency_instructions={
            k: v.instruction.to_text() for k, v in common.urgencies.items() if v.instruction
        },
        deadlines={
            k: Deadline(**v.deadline.model_dump())
            for k, v in common.urgencies.items()
            if v.deadline
        },
        red_flag_instructions={
            k: v.instruction.to_text() for k, v in common.red_flags.items() if v.instruction
        },
        notices={k: v.to_text() for k, v in common.notices.items()},
        open_24_7=frozenset(k for k, v in services.items() if v.open_24_7),
        after_hours={k: tuple(v.after_hours) for k, v in services.items() if v.after_hours},
        calendar=calendar_of(common.calendar) if common.calendar else None,
        common_file=str(common_path),
        common_lines={
            (kind, code): line
            for kind in ("urgencies", "services", "red_flags", "notices")
            for code in getattr(common, kind)
            if (line := line_of(common_raw, [kind, code])) is not None
        },
        urgencies={k: v.to_text() for k, v in common.urgencies.items()},
        services={k: v.to_text() for k, v in common.services.items()},
        listing={k: v.listing for k, v in common.services.items()},
        sectors={k: v.sector for k, v in common.services.items() if v.sector is not None},
        red_flags={k: v.to_text() for k, v in common.red_flags.items()},
        needs=needs,
        common_rules=common_rules,
        version="sha256:" + digest.hexdigest(),
    )

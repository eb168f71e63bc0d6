"""Scenario files: a case and its expected outcome, run by `triage test` and by pytest.

Modelled on the DMN TCK test-case files. A file holds a list of scenarios:

    scenarios:
      - id: dental-pain-5-adult
        description: Worked example 1 of the policy.
        case: {need: dental, client: {age: 34, municipality: "179"}, facts: {pain: 5}}
        expect:
          status: decided
          service: dental_booking
          urgency: within_3_days
          winning_rule: dn-pain-adult          # optional
          missing_facts: [request]             # optional: exactly these, in this order
          missing_facts_include: [request]     # optional: at least these
          error: facts.pain                    # optional: the case must be refused here
          precautionary: [pain]                # optional: exactly these were assumed
          red_flags_screened: true             # optional
          deadline: "2026-03-18T23:59:00+02:00"   # optional (give the case a contact_time)
          notices: [child_protection_notification]  # optional: exactly these
          instruction: true                    # optional: whether the decision has one
          safety_net: true                     # optional: whether it has a safety net

A case may answer a fact "not_known" and give a `contact_time` (routing policy 3).
A `.json` file holds the same document in JSON, read by the API's own JSON reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr
from pydantic import ValidationError as PydanticValidationError

from triage import jsonsafe
from triage.domain.case import parse_case
from triage.domain.decider import Triage
from triage.errors import InvalidCaseError, ScenarioError
from triage.safefiles import UnsafeFile, read_bytes, read_text
from triage.strict import first_problem
from triage.yamlfile import YamlSyntaxError, line_of, parse, plain


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    status: Literal["decided", "needs_information"] | None = None
    service: StrictStr | None = None
    urgency: StrictStr | None = None
    winning_rule: StrictStr | None = None
    missing_facts: list[StrictStr] | None = None
    missing_facts_include: list[StrictStr] | None = None
    error: StrictStr | None = None
    precautionary: list[StrictStr] | None = None
    red_flags_screened: bool | None = None
    deadline: StrictStr | None = None
    route_to: StrictStr | None = None  # where the client is sent now (S13; needs a catalog)
    notices: list[StrictStr] | None = None
    instruction: bool | None = None
    safety_net: bool | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: StrictStr = ""
    case: dict[str, Any]
    expect: Expect
    file: str = ""
    line: int = 0


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenarios: list[dict[str, Any]]


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        found = [*p.rglob("*.yaml"), *p.rglob("*.json")] if p.is_dir() else [p]
        files.extend(sorted(found))
    return files


def _read(path: Path) -> Any:
    """The document of one scenario file: JSON through the API's reader, else YAML."""
    try:
        if path.suffix == ".json":
            return jsonsafe.parse(read_bytes(path))
        return parse(read_text(path))
    except UnsafeFile as exc:
        raise ScenarioError(str(exc), file=str(path)) from None
    except jsonsafe.JsonProblem as exc:
        message = f"{exc.field}: not valid JSON: {exc.render('en')}"
        raise ScenarioError(message, file=str(path), problem=exc) from None
    except YamlSyntaxError as exc:
        raise ScenarioError(
            f"not valid YAML: {exc.problem}", file=str(path), line=exc.line
        ) from None


def load_scenarios(paths: Iterable[str | Path]) -> list[Scenario]:
    """Every scenario in the given files or directories; ids must be unique."""
    out: list[Scenario] = []
    seen: dict[str, str] = {}
    for path in scenario_files(paths):
        raw = _read(path)
        try:
            items = _File.model_validate(plain(raw)).scenarios
        except PydanticValidationError as exc:
            problem = first_problem(exc)
            raise ScenarioError(f"{problem.path}: {problem.message}", file=str(path)) from None
        for i, item in enumerate(items):
            line = line_of(raw, ["scenarios", i]) or 0
            try:
                sc = Scenario.model_validate({**item, "file": str(path), "line": line})
            except PydanticValidationError as exc:
                problem = first_problem(exc)
                line = line_of(raw, ["scenarios", i, *problem.loc[:1]]) or line
                raise ScenarioError(
                    f"{problem.path}: {problem.message}", file=str(path), line=line
                ) from None
            if sc.expect.status is None and sc.expect.error is None:
                raise ScenarioError(
                    f"scenario {sc.id}: expect needs a status or an error",
                    file=str(path),
                    line=line,
                )
            if sc.id in seen:
                raise ScenarioError(
                    f"duplicate scenario id {sc.id!r} (first at {seen[sc.id]})",
                    file=str(path),
                    line=line,
                )
            seen[sc.id] = f"{path}:{line}"
            out.append(sc)
    return out


@dataclass
class Result:
    scenario: Scenario
    diffs: list[tuple[str, object, object]]  # (field, expected, got)
    true_rules: list[str] = field(default_factory=list)
    winner: str | None = None

    @property
    def passed(self) -> bool:
        return not self.diffs


@dataclass
class Report:
    results: list[Result]
    rule_ids: list[str]

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    @property
    def true_counts(self) -> Counter[str]:
        return Counter(rule for r in self.results for rule in r.true_rules)

    @property
    def win_counts(self) -> Counter[str]:
        return Counter(r.winner for r in self.results if r.winner)

    @property
    def unexercised(self) -> list[str]:
        """Rules that won no scenario."""
        wins = self.win_counts
        return [rule for rule in self.rule_ids if not wins[rule]]


def run_scenario(triage: Triage, sc: Scenario) -> Result:
    exp = sc.expect
    try:
        case = parse_case(sc.case, triage.rules)
    except InvalidCaseError as exc:
        got_error = exc.field
        if exp.error is None:
            return Result(sc, [("case", "a valid case", str(exc))])
        return Result(sc, [] if exp.error == got_error else [("error", exp.error, got_error)])
    if exp.error is not None:
        return Result(sc, [("error", exp.error, "no error: the case was accepted")])
    d = triage.decide_case(case, seed=0)
    got: dict[str, object] = {
        "status": d.status,
        "service": d.service.code if d.service else None,
        "urgency": d.urgency,
        "winning_rule": d.winning_rule,
        "precautionary": [m.fact for m in d.precautionary],
        "red_flags_screened": d.red_flags_screened,
        "deadline": d.deadline,
        "route_to": d.route_to.code if d.route_to else None,
        "notices": [n.code for n in d.notices],
        "instruction": d.instruction is not None,
        "safety_net": d.safety_net is not None,
    }
    diffs: list[tuple[str, object, object]] = []
    for key, value in got.items():
        wanted = getattr(exp, key)
        if wanted is not None and wanted != value:
            diffs.append((key, wanted, value))
    missing = [m.fact for m in d.missing_facts]
    if exp.missing_facts is not None and exp.missing_facts != missing:
        diffs.append(("missing_facts", exp.missing_facts, missing))
    if exp.missing_facts_include is not None and not set(exp.missing_facts_include) <= set(missing):
        diffs.append(("missing_facts_include", sorted(exp.missing_facts_include), sorted(missing)))
    return Result(sc, diffs, [r.id for r in d.fired_rules], d.winning_rule)


def run_scenarios(triage: Triage, scenarios: list[Scenario]) -> Report:
    rule_ids = [r.id for r in triage.rules.common_rules]
    for need in triage.rules.needs.values():
        rule_ids.extend(r.id for r in need.rules)
    return Report([run_scenario(triage, sc) for sc in scenarios], rule_ids)


def format_failure(result: Result) -> str:
    sc = result.scenario
    lines = [f"FAIL {sc.id} ({sc.file}:{sc.line})"]
    if sc.description:
        lines.append(f"     {sc.description}")
    for key, expected, got in result.diffs:
        lines.append(f"     {key}:")
        lines.append(f"       - expected: {expected}")
        lines.append(f"       + got:      {got}")
    return "\n".join(lines)


def coverage_table(report: Report) -> list[str]:
    """One line per rule: in how many scenarios it was true, and in how many it won."""
    trues, wins = report.true_counts, report.win_counts
    width = max((len(r) for r in report.rule_ids), default=4)
    lines = [f"{'rule':<{width}}  {'true':>5}  {'won':>5}"]
    lines += [f"{r:<{width}}  {trues[r]:>5}  {wins[r]:>5}" for r in report.rule_ids]
    return lines


def report_json(report: Report) -> dict[str, object]:
    return {
        "passed": len(report.results) - len(report.failed),
        "failed": len(report.failed),
        "results": [
            {
                "id": r.scenario.id,
                "file": r.scenario.file,
                "line": r.scenario.line,
                "passed": r.passed,
                "diffs": [{"field": k, "expected": e, "got": g} for k, e, g in r.diffs],
            }
            for r in report.results
        ],
        "coverage": {
            rule: {"true": report.true_counts[rule], "won": report.win_counts[rule]}
            for rule in report.rule_ids
        },
        "unexercised": report.unexercised,
    }


def junit_xml(report: Report) -> str:
    """JUnit XML, one testcase per scenario, for CI systems."""
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="triage-scenarios",
        tests=str(len(report.results)),
        failures=str(len(report.failed)),
        errors="0",
        skipped="0",
    )
    for result in report.results:
        sc = result.scenario
        case = ET.SubElement(
            suite,
            "testcase",
            classname=Path(sc.file).stem,
            name=sc.id,
            file=sc.file,
            line=str(sc.line),
        )
        if not result.passed:
            failure = ET.SubElement(
                case,
                "failure",
                message="; ".join(f"{k}: expected {e}, got {g}" for k, e, g in result.diffs),
            )
            failure.text = format_failure(result)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)

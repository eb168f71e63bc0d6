"""One identity-code guard for every input: rule files and catalogs (imports build a
catalog the same way) are refused, naming the file and where, when anything in them
looks like a henkilötunnus; no message repeats it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALOG_FILE
from triage.catalog.model import build_catalog, load_catalog_file
from triage.errors import CatalogError, RuleFileError
from triage.rules.loader import load_rules

CODE = "131052-308T"


def test_a_rule_file_holding_a_code_is_refused_without_repeating_it(rules_copy: Path) -> None:
    dental = rules_copy / "needs" / "dental.yaml"
    text = dental.read_text(encoding="utf-8")
    dental.write_text(text.replace("description:", f'description: "{CODE}"\n    x:', 1))
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    message = str(caught.value)
    assert "dental.yaml" in message and "henkilötunnus" in message and "131052" not in message


@pytest.mark.parametrize("where", ["name", "key"])
def test_a_catalog_holding_a_code_is_refused_without_repeating_it(
    tmp_path: Path, where: str
) -> None:
    text = CATALOG_FILE.read_text(encoding="utf-8")
    if where == "name":
        text = text.replace("fi: ", f"fi: {CODE} ", 1)
    else:
        text = text.replace("providers:", "providers:\n# x\n", 1).replace(
            "version: 1", f'version: 1\n"{CODE}": 1', 1
        )
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path, {})
    assert "henkilötunnus" in str(caught.value) and "131052" not in str(caught.value)
    provider = {
        "id": "p-1",
        "name": {"fi": f"Lääkäri {CODE}"},
        "ownership": "private",
        "municipalities": ["179"],
        "services": ["dental_booking"],
    }
    with pytest.raises(CatalogError) as imported:  # an importer's document, the same check
        build_catalog({"version": 1, "providers": [provider]}, {"dental_booking": None})
    assert "131052" not in str(imported.value)

"""Input files are read safely: a FIFO, a device, a link out of the folder or an
oversized file in the rule folder is refused naming the file, at once (never a hang,
never gigabytes read), and so are rule-file names no need can have."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from triage.catalog.model import load_catalog_file
from triage.errors import CatalogError, RuleFileError
from triage.rules.loader import MAX_RULE_FILE, load_rule_files, load_rules
from triage.safefiles import MAX_NAME, UnsafeFile, read_text


def refused(rules_copy: Path) -> str:
    start = time.monotonic()
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    assert time.monotonic() - start < 5
    return str(caught.value)


def test_a_fifo_in_the_rule_folder_is_refused_without_waiting(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "needs" / "pipe.yaml")
    message = refused(rules_copy)
    assert "pipe.yaml" in message and "not a regular file" in message


def test_a_link_to_a_device_or_out_of_the_folder_is_refused(
    rules_copy: Path, tmp_path: Path
) -> None:
    link = rules_copy / "needs" / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "zero.yaml" in refused(rules_copy)
    link.unlink()
    outside = tmp_path / "outside.yaml"
    outside.write_text((rules_copy / "needs" / "dental.yaml").read_text())
    link.symlink_to(outside)
    assert "out of the folder" in refused(rules_copy)
    link.unlink()
    link.symlink_to(rules_copy / "needs" / "dental.yaml")  # inside: read like the file
    with pytest.raises(RuleFileError, match="dental"):  # the same need twice
        load_rules(rules_copy)


def test_an_oversized_rule_file_is_refused_before_it_is_read(rules_copy: Path) -> None:
    big = rules_copy / "needs" / "big.yaml"
    with big.open("wb") as f:
        f.truncate(MAX_RULE_FILE + 1)  # sparse: no data is written, and none read
    message = refused(rules_copy)
    assert "big.yaml" in message and f"over {MAX_RULE_FILE} bytes" in message


def test_rule_file_names_are_bounded_and_never_repeated_when_long(rules_copy: Path) -> None:
    files = {"common.yaml": (rules_copy / "common.yaml").read_text()}
    files["needs/" + "a" * 5000 + ".yaml"] = (rules_copy / "needs" / "dental.yaml").read_text()
    with pytest.raises(RuleFileError) as caught:
        load_rule_files(files, root=rules_copy)
    assert "a" * 100 not in str(caught.value) and "file #2" in str(caught.value)


def test_catalogs_and_names_get_the_same_checks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "catalog.yaml")
    with pytest.raises(CatalogError, match="not a regular file"):
        load_catalog_file(tmp_path / "catalog.yaml", {})
    with pytest.raises(UnsafeFile, match=f"over {MAX_NAME} bytes"):
        read_text(tmp_path / ("x" * 300))
    (tmp_path / "latin1.yaml").write_bytes(b"name: \xe4")
    with pytest.raises(UnsafeFile, match="not UTF-8"):
        read_text(tmp_path / "latin1.yaml")

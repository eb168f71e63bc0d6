"""Build hook: the shipped rules, scenarios, sample catalog and examples (kept at the top
of the repository, where authors edit them) are copied into the package as
`triage/shipped/`, so an installed triage works from any directory."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("rules", "scenarios", "catalog", "examples")


class BuildWithShipped(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "triage" / "shipped"
        for name in SHIPPED:
            if (root / name).is_dir():
                shutil.rmtree(target / name, ignore_errors=True)
                shutil.copytree(root / name, target / name)


setup(cmdclass={"build_py": BuildWithShipped})

"""Importers from open service-directory standards into the catalog format."""

from triage.catalog.importers.fhir import import_fhir
from triage.catalog.importers.hsds import import_hsds
from triage.catalog.importers.ptv import import_ptv

__all__ = ["import_fhir", "import_hsds", "import_ptv"]

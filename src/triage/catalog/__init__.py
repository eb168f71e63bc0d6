"""Providers: the catalog model, impartial listing, exposure, and importers."""

"""Ingest: files, folders, feeds, archives -> Article (text kept exactly as decoded)."""
from marsad.ingest.readers import read_inputs, stable_id

__all__ = ["read_inputs", "stable_id"]

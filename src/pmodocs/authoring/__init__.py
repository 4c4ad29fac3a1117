"""Authoring where program offices work: JSON Schemas for editors, Excel round trips."""

"""Holds only the agent package; this folder is what goes on the project interpreter's PYTHONPATH."""

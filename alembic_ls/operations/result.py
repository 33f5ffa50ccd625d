"""What every command returns: `{"ok", "message", ...}` plus files for the client to open."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class OperationResult:
    ok: bool
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)  # what was done, in order, one sentence each
    show: list[Path] = field(default_factory=list)  # files the client should open (new revision, SQL)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "message": self.message, **self.data}
        if self.steps:
            body["steps"] = self.steps
        if self.show:
            body["documents"] = [p.resolve().as_uri() for p in self.show]
        return body

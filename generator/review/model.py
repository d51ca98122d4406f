"""What a review finds, as data: the renderers (text, Markdown, JSON) and the tests read these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class Field:
    """One property old -> new (None: absent). ``code``: PromQL, shown as a block rather than inline."""

    name: str
    old: str | None
    new: str | None
    code: bool = False


@dataclass
class Item:
    """A thing a reviewer names: a panel, a row, a variable, a link, an alert, a recording rule, the dashboard."""

    kind: str
    name: str
    status: str  # added, removed, changed
    fields: list[Field] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # moved, resized, renamed, other settings

    @property
    def label(self) -> str:
        return f'{self.kind} "{self.name}"' if self.kind != "dashboard" else "dashboard settings"


@dataclass
class DashboardChange:
    uid: str
    title: str
    status: str
    items: list[Item] = field(default_factory=list)
    panels: int = 0  # panels (not rows) on the side that has it, for added and removed dashboards
    pictures: dict[str, str] = field(default_factory=dict)  # "before"/"after" -> PNG path, with --preview


@dataclass
class Review:
    base: str
    head: str
    dashboards: list[DashboardChange] = field(default_factory=list)
    rules: list[Item] = field(default_factory=list)
    lint_introduced: list[dict] = field(default_factory=list)
    lint_fixed: list[dict] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # generated files changed but not described above
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.dashboards or self.rules or self.lint_introduced or self.lint_fixed or self.other_files)

    def counts(self) -> dict[str, int]:
        items = [i for d in self.dashboards for i in d.items]
        return {
            "dashboards": len(self.dashboards),
            "panels": sum(1 for i in items if i.kind == "panel"),
            "alerts": sum(1 for r in self.rules if r.kind == "alert"),
            "recording rules": sum(1 for r in self.rules if r.kind == "recording rule"),
            "lint introduced": len(self.lint_introduced),
            "lint fixed": len(self.lint_fixed),
        }

    def summary(self) -> str:
        if not self.changed:
            return f"No change against {self.base}: dashboards, rules and lint results are the same."
        parts = []
        by_status: dict[str, int] = {}
        for d in self.dashboards:
            by_status[d.status] = by_status.get(d.status, 0) + 1
        if by_status:
            parts.append(_count(len(self.dashboards), "dashboard") + " ("
                         + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) + ")")
        panels = self.counts()["panels"]
        if panels:
            parts.append(_count(panels, "panel") + " changed, added or removed")
        for kind in ("alert", "recording rule", "rule group"):
            n = sum(1 for r in self.rules if r.kind == kind)
            if n:
                parts.append(_count(n, kind))
        if self.lint_introduced:
            parts.append(_count(len(self.lint_introduced), "lint problem") + " introduced")
        if self.lint_fixed:
            parts.append(_count(len(self.lint_fixed), "lint problem") + " fixed")
        if self.other_files and not parts:
            parts.append(_count(len(self.other_files), "other generated file"))
        return f"Against {self.base}: " + "; ".join(parts) + "."

    def to_dict(self) -> dict:
        out = asdict(self)
        out["changed"] = self.changed
        out["summary"] = self.summary()
        for dash, data in zip(self.dashboards, out["dashboards"], strict=False):
            for item, idata in zip(dash.items, data["items"], strict=False):
                idata["label"] = item.label
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

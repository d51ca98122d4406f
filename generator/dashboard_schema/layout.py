"""Placing schema v2 elements on the classic 24-column grid, as Grafana's conversion back to classic JSON does
(``convertPanelsFromElementsAndLayout`` of ``v2alpha1_to_v1beta1.go``).

- ``GridLayout``: each item where it says, its ``y`` counted from the top of its row (or of the dashboard);
- ``RowsLayout``: a row header one line high (none for a row with ``hideHeader``), then its items below it; a
  collapsed row keeps its panels inside it; rows and tabs inside a row are laid out after it;
- ``TabsLayout``: each tab an expanded row;
- ``AutoGridLayout``: items left to right, ``maxColumnCount`` a line, each as high as its ``rowHeightMode`` says.
"""

from __future__ import annotations

from .enums import GRID_ROW_HEIGHT

GRID = 24
AUTO_ROW_HEIGHTS = {"short": 5, "standard": 9, "tall": 14}  # grid lines, an approximation of Grafana's pixel heights


def panels_of(elements: dict, layout: dict, reading, prefix: str, make_panel) -> list[dict]:
    """The classic ``panels`` of ``elements`` placed by ``layout``; records origins and pointers on ``reading``
    (``prefix``: the pointer of the v2 spec). ``make_panel(element, reading)`` builds one panel."""
    placer = _Placer(elements, reading, prefix, make_panel)
    panels, _ = placer.layout(layout if isinstance(layout, dict) else {}, f"{prefix}/layout", 0)
    _row_ids(panels)
    for index, p in enumerate(panels):
        placer.point(p, f"/panels/{index}")
        for child_index, child in enumerate(p.get("panels") or [] if p.get("type") == "row" else []):
            placer.point(child, f"/panels/{index}/panels/{child_index}")
    return panels


class _Placer:
    def __init__(self, elements: dict, reading, prefix: str, make_panel):
        self.elements, self.reading, self.prefix, self.make_panel = elements, reading, prefix, make_panel
        self.where: dict[int, str] = {}  # id(classic panel) -> its pointer in the v2 document

    def point(self, panel: dict, pointer: str) -> None:
        source = self.where.get(id(panel))
        if source is None:
            return
        self.reading.pointers[pointer] = source
        if panel.get("type") != "row":
            for index, _ in enumerate(panel.get("targets") or []):
                self.reading.pointers[f"{pointer}/targets/{index}"] = f"{source}/spec/data/spec/queries/{index}"

    def layout(self, layout: dict, pointer: str, y: int) -> tuple[list[dict], int]:
        spec = layout.get("spec") if isinstance(layout.get("spec"), dict) else {}
        kind = layout.get("kind")
        if kind == "RowsLayout":
            return self.rows(spec.get("rows") or [], f"{pointer}/spec/rows", y)
        if kind == "TabsLayout":
            return self.rows([{"kind": "RowsLayoutRow", "spec": {**(t.get("spec") or {}), "collapse": False}}
                              for t in spec.get("tabs") or [] if isinstance(t, dict)], f"{pointer}/spec/tabs", y)
        if kind == "AutoGridLayout":
            return self.auto_grid(spec, f"{pointer}/spec/items", y)
        return self.grid(spec.get("items") or [], f"{pointer}/spec/items", y)

    def element(self, item_spec: dict) -> dict | None:
        name = (item_spec.get("element") or {}).get("name") if isinstance(item_spec.get("element"), dict) else None
        element = self.elements.get(name)
        if not isinstance(element, dict):
            return None
        panel = self.make_panel(element, self.reading)
        self.reading.origins.append((panel, element))
        self.where[id(panel)] = f"{self.prefix}/elements/{_escape(name)}"
        repeat = item_spec.get("repeat") if isinstance(item_spec.get("repeat"), dict) else {}
        if repeat.get("value"):
            panel["repeat"] = repeat["value"]
            if repeat.get("direction"):
                panel["repeatDirection"] = repeat["direction"]
            if repeat.get("maxPerRow"):
                panel["maxPerRow"] = repeat["maxPerRow"]
        return panel

    def grid(self, items: list, pointer: str, y: int) -> tuple[list[dict], int]:
        out, bottom = [], y
        for item in items:
            spec = item.get("spec") if isinstance(item, dict) and isinstance(item.get("spec"), dict) else {}
            panel = self.element(spec)
            if panel is None:
                continue
            grid = {"h": spec.get("height", 3), "w": spec.get("width", 6), "x": spec.get("x", 0),
                    "y": y + (spec.get("y") or 0)}
            panel["gridPos"] = grid
            bottom = max(bottom, grid["y"] + grid["h"])
            out.append(panel)
        return out, bottom

    def auto_grid(self, spec: dict, pointer: str, y: int) -> tuple[list[dict], int]:
        columns = max(1, int(spec.get("maxColumnCount") or 3))
        width = GRID // columns
        height = spec.get("rowHeight") if spec.get("rowHeightMode") == "custom" and spec.get("rowHeight") else \
            AUTO_ROW_HEIGHTS.get(spec.get("rowHeightMode"), AUTO_ROW_HEIGHTS["standard"])
        items = []
        for index, item in enumerate(i for i in spec.get("items") or [] if isinstance(i, dict)):
            items.append({"spec": {**(item.get("spec") or {}), "x": (index % columns) * width,
                                   "y": (index // columns) * int(height), "width": width, "height": int(height)}})
        return self.grid(items, pointer, y)

    def rows(self, rows: list, pointer: str, y: int) -> tuple[list[dict], int]:
        out = []
        for index, row in enumerate(rows):
            spec = row.get("spec") if isinstance(row, dict) and isinstance(row.get("spec"), dict) else {}
            layout = spec.get("layout") if isinstance(spec.get("layout"), dict) else {}
            collapsed = bool(spec.get("collapse")) and layout.get("kind") not in ("RowsLayout", "TabsLayout")
            if not spec.get("hideHeader"):
                header = {"type": "row", "id": None, "title": spec.get("title") or "", "collapsed": collapsed,
                          "gridPos": {"h": GRID_ROW_HEIGHT, "w": GRID, "x": 0, "y": y}, "panels": []}
                if isinstance(spec.get("repeat"), dict) and spec["repeat"].get("value"):
                    header["repeat"] = spec["repeat"]["value"]
                self.where[id(header)] = f"{pointer}/{index}"
                self.reading.origins.append((header, row))
                out.append(header)
                y += GRID_ROW_HEIGHT
                if collapsed:
                    header["panels"], _ = self.layout(layout, f"{pointer}/{index}/spec/layout", y)
                    continue
            panels, y = self.layout(layout, f"{pointer}/{index}/spec/layout", y)
            out += panels
        return out, y


def _row_ids(panels: list[dict]) -> None:
    """Row headers have no id in v2: each gets the one after the largest id before it (unless a panel has it)."""
    taken = {q.get("id") for p in panels for q in [p, *(p.get("panels") or [])] if isinstance(q.get("id"), int)}
    largest = 0
    for p in panels:
        if p.get("type") == "row" and p.get("id") is None:
            candidate = largest + 1
            if candidate in taken:
                candidate = max(taken) + 1
            p["id"] = candidate
            taken.add(candidate)
        for q in [p, *(p.get("panels") or [])]:
            if isinstance(q.get("id"), int):
                largest = max(largest, q["id"])


def _escape(name) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")

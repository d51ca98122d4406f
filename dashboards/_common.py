"""What the four dashboards share: their uids, the links between them, and the variables."""

from generator import panels as P

from ..naming import N
from ..settings import COST, DEBUG, FEATURE_DETAIL, JOB, OVERVIEW

TAGS = ["ai-service", "generated"]

# Every dashboard links to the others, carrying the time range and the selected feature/model.
LINKS = {
    OVERVIEW: P.link("Overview", OVERVIEW),
    FEATURE_DETAIL: P.link("Feature Detail", FEATURE_DETAIL),
    COST: P.link("Cost", COST),
    DEBUG: P.link("Debug", DEBUG),
}


def links_from(uid: str) -> list:
    return [link for target, link in LINKS.items() if target != uid]


def feature_variable(*, multi: bool = True):
    return P.query_variable("feature", "Feature", f"label_values({N.series('requests')}, {N.label('feature')})",
                            multi=multi, include_all=multi)


def model_variable():
    return P.query_variable("model", "Model", f"label_values({N.series('requests', FEATURE_IS)}, {N.label('model')})")


FEATURE_IS = f'{N.quoted("feature")}=~"$feature"'


def needs(signal: str, title: str, make):
    """The panel ``make()`` builds where the naming has ``signal``; elsewhere a note of what is left out and why
    (the build prints it)."""
    return make() if N.has(signal) else P.left_out(title, N.without.get(signal, f"the naming has no {signal} series"))


def quantile_by(q: float, signal: str, window: str, *roles: str, matchers: tuple[str, ...] = ()) -> str:
    """A percentile of a histogram signal by ``roles`` (model, provider, ...), read from the naming's series of
    every release it follows (N.rate) and, for a deprecated label, its predecessor too (N.either)."""
    group = f"{N.by(*roles)}, le"
    return (f"histogram_quantile({q}, sum by ({group}) "
            f"({N.either(N.rate(signal, window, *matchers), *roles)}))")

# A click on a feature's series opens Feature Detail for it (the seam's records and raw series name it alike for
# the default naming; for another, the raw series' label).
TO_FEATURE_DETAIL = P.panel_link("Feature Detail for ${__field.labels.feature}", FEATURE_DETAIL, "feature")
_RAW = N.field_label("feature")
TO_FEATURE_DETAIL_RAW = {**TO_FEATURE_DETAIL, "title": f"Feature Detail for {_RAW}",
                         "tooltip": f"Feature Detail for {_RAW}",
                         "url": TO_FEATURE_DETAIL["url"].replace("${__field.labels.feature}", _RAW)}

__all__ = [
    "FEATURE_IS",
    "JOB",
    "LINKS",
    "TAGS",
    "TO_FEATURE_DETAIL",
    "TO_FEATURE_DETAIL_RAW",
    "N",
    "feature_variable",
    "links_from",
    "model_variable",
    "needs",
    "quantile_by",
]

"""What the four dashboards share: their uids, the links between them, and the variables."""

from generator import panels as P
from service.settings import COST, DEBUG, FEATURE_DETAIL, JOB, OVERVIEW

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
    return P.query_variable("feature", "Feature", "label_values(ai_requests_total, feature)",
                            multi=multi, include_all=multi)


def model_variable():
    return P.query_variable("model", "Model", 'label_values(ai_requests_total{feature=~"$feature"}, model)')


# A click on a feature's series opens Feature Detail for it.
TO_FEATURE_DETAIL = P.panel_link("Feature Detail for ${__field.labels.feature}", FEATURE_DETAIL, "feature")

__all__ = ["JOB", "LINKS", "TAGS", "TO_FEATURE_DETAIL", "feature_variable", "links_from", "model_variable"]

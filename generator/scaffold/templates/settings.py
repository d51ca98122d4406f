"""What the dashboards and the alerts of @SERVICE@ share: its job, its thresholds, its dashboard uids."""

JOB = "@JOB@"

# Dashboard uids: links and alerts point at them; keep them stable once pushed.
OVERVIEW = "@SERVICE@-overview"
# @EXAMPLE@ begin

# Thresholds, shared by a panel and the alert that fires on it.
MAX_ERROR_RATIO = 0.05  # @CAMEL@ErrorsHigh: more than 5% of the requests failing
MIN_REQUESTS_PER_SECOND = 0.1  # below this, a ratio of errors says nothing (1 error in 2 requests is not 50%)
# @EXAMPLE@ end

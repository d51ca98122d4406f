"""Shared by the dashboard and the rules."""

JOB = "assistant-api"
HOME = "assistant-home"
MAX_FAILED_SHARE = 0.1
MAX_QUEUED = 20

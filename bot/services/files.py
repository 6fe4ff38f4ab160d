"""Outbox kinds whose message is a file rendered at send time."""

CHART_KIND = "circular_chart"
DOCX_KIND = "circular_docx"
FILE_KINDS = frozenset({CHART_KIND, DOCX_KIND})

"""Plans (方案): read a plan's phases, deadlines, recurring rules and tasks from its
own text, review them as YAML, and import the result.

    text = read_plan_text(path)                 # .txt or .docx
    extraction = extract(text, year=2024)      # evidence, with source spans
    spec = extraction.to_plan_spec()           # the importable plan
    yaml_text = dump_plan_yaml(spec)           # to review and correct by hand
    spec = load_plan_yaml(yaml_text)           # back, validated
"""

from bot.plans.extract import extract
from bot.plans.model import (
    LAST_DAY,
    ExtractedItem,
    ExtractedTask,
    Extraction,
    PhaseSpec,
    PlanFormatError,
    PlanSpec,
    RecurringRule,
    TaskSpec,
)
from bot.plans.reader import read_plan_bytes, read_plan_text
from bot.plans.yamlio import dump_plan_yaml, load_plan_file, load_plan_yaml

__all__ = [
    "LAST_DAY",
    "ExtractedItem",
    "ExtractedTask",
    "Extraction",
    "PhaseSpec",
    "PlanFormatError",
    "PlanSpec",
    "RecurringRule",
    "TaskSpec",
    "dump_plan_yaml",
    "extract",
    "load_plan_file",
    "load_plan_yaml",
    "read_plan_bytes",
    "read_plan_text",
]

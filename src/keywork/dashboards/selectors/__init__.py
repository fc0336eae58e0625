"""Reads behind the dashboards, one module per role page: ``keyworker``, ``supervisor``,
``manager`` and ``research``, with what they share in ``common``. Each page is a fixed
number of grouped queries, however many clients it covers: no query per client or per
relationship.

What a person may see of a client's feedback is the rule of ``keywork.domain.visibility``,
read for many relationships at once through ``checkins.selectors.feedback_shown``; the
small-cell limit and the bands of the manager's figures are ``keywork.domain.figures``.
"""

from __future__ import annotations

from keywork.dashboards.selectors.common import CHECKIN_DAYS, EVALUATED_STATUSES, PATTERN_ORDER
from keywork.dashboards.selectors.keyworker import (
    ALERT_PRIORITY,
    CASELOAD_FILTERS,
    CASELOAD_SORTS,
    CaseloadRow,
    IntroState,
    NextKind,
    NextStep,
    SharedFacts,
    alert_importance,
    caseload,
    caseload_view,
    next_step,
    shared_facts,
)
from keywork.dashboards.selectors.manager import (
    Bar,
    Completion,
    ContactRates,
    ManagerFigures,
    MonthMean,
    Outcomes,
    PatternShare,
    QualityBand,
    QualityCell,
    checkin_completion,
    manager_figures,
    month_chart,
    pattern_distribution,
    quality_and_completion,
    quality_labels,
    rating_trends,
    scale,
)
from keywork.dashboards.selectors.research import (
    RESEARCH_COLUMNS,
    ResearchCell,
    legal_bases_in_use,
    research_export,
    research_table,
)
from keywork.dashboards.selectors.supervisor import (
    CHANGED_DAYS,
    QUEUE_LIMIT,
    QUEUE_STATUSES,
    SECTION_LIMIT,
    SUPERVISOR_PARTS,
    NoContactRow,
    PatternChange,
    PatternsByWorker,
    QueueRow,
    Segment,
    SupervisorPage,
    UnitOverview,
    WorkerLoad,
    WorkerPatterns,
    alert_queue,
    changed_patterns,
    overview_clients,
    patterns_by_worker,
    stack,
    supervisor_overview,
    supervisor_page,
)

__all__ = [
    "ALERT_PRIORITY", "CASELOAD_FILTERS", "CASELOAD_SORTS", "CHANGED_DAYS", "CHECKIN_DAYS",
    "EVALUATED_STATUSES", "PATTERN_ORDER", "QUEUE_LIMIT", "QUEUE_STATUSES", "RESEARCH_COLUMNS",
    "SECTION_LIMIT", "SUPERVISOR_PARTS", "Bar", "CaseloadRow", "Completion", "ContactRates",
    "IntroState", "ManagerFigures", "MonthMean", "NextKind", "NextStep", "NoContactRow",
    "Outcomes", "PatternChange", "PatternShare", "PatternsByWorker", "QualityBand", "QualityCell",
    "QueueRow", "ResearchCell", "Segment", "SharedFacts", "SupervisorPage", "UnitOverview",
    "WorkerLoad", "WorkerPatterns", "alert_importance", "alert_queue", "caseload", "caseload_view",
    "changed_patterns", "checkin_completion", "legal_bases_in_use", "manager_figures",
    "month_chart", "next_step", "overview_clients", "pattern_distribution", "patterns_by_worker",
    "quality_and_completion", "quality_labels", "rating_trends", "research_export",
    "research_table", "scale", "shared_facts", "stack", "supervisor_overview", "supervisor_page",
]

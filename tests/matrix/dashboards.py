from tests.matrix import NO_CLIENT, Entry

ENTRIES = [
    Entry("dashboards:keyworker", NO_CLIENT, roles=("keyworker", "supervisor"),
          note="my caseload with patterns, alerts and next steps; audited as a list"),
    Entry("dashboards:supervisor", NO_CLIENT, roles=("supervisor",),
          note="the units the supervisor is responsible for, their patterns and alert "
          "queue; audited as a list"),
    Entry("dashboards:manager", NO_CLIENT, roles=("manager",),
          note="figures over a period, no client names; keyworkers named beside their "
          "caseload and its limit"),
    Entry("dashboards:manager_export", NO_CLIENT, roles=("manager",),
          kwargs=lambda t: {"table": "caseload-limits", "fmt": "xlsx"},
          note="one table of the manager's figures as CSV or XLSX; audited as an export"),
    Entry("dashboards:targets", NO_CLIENT, roles=("administrator",),
          note="the targets beside the manager's figures; changes audited"),
    Entry("dashboards:research", NO_CLIENT, roles=("researcher",), note="pseudonymised"),
    Entry("dashboards:research_export", NO_CLIENT, roles=("researcher",),
          note="pseudonymised CSV; audited as an export"),
]

from tests.matrix import NO_CLIENT, Entry

ENTRIES = [
    Entry("dashboards:keyworker", NO_CLIENT, roles=("keyworker", "supervisor"),
          note="my caseload with patterns, alerts and next steps; audited as a list"),
    Entry("dashboards:supervisor", NO_CLIENT, roles=("supervisor",),
          note="the units the supervisor is responsible for, their patterns and alert "
          "queue; audited as a list"),
    Entry("dashboards:manager", NO_CLIENT, roles=("manager",), note="figures, no names"),
    Entry("dashboards:research", NO_CLIENT, roles=("researcher",), note="pseudonymised"),
    Entry("dashboards:research_export", NO_CLIENT, roles=("researcher",),
          note="pseudonymised CSV; audited as an export"),
]

from tests.matrix import NO_CLIENT, SUPERVISE, Entry, client_pk

ENTRIES = [
    Entry("records:access_log", SUPERVISE, kwargs=client_pk),
    Entry("records:subject_access", SUPERVISE, kwargs=client_pk, note="JSON download"),
    Entry("organisations:audit_verify", NO_CLIENT, roles=("administrator",), note="no client data"),
]

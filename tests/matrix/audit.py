from tests.matrix import NO_CLIENT, SUPERVISE, Entry, client_pk

ENTRIES = [
    Entry("audit:access_log", SUPERVISE, kwargs=client_pk),
    Entry("audit:subject_access", SUPERVISE, kwargs=client_pk, note="JSON download"),
    Entry("audit:verify", NO_CLIENT, roles=("administrator",), note="no client data"),
]

from tests.matrix import NO_CLIENT, Entry

ENTRIES = [
    Entry("home", NO_CLIENT, note="redirects each role to its start page"),
    Entry("health", NO_CLIENT, public=True),
]

from tests.matrix import NO_CLIENT, Entry

ENTRIES = [
    Entry("home", NO_CLIENT, note="redirects each role to its start page"),
    Entry("health", NO_CLIENT, public=True),
    Entry("bench_floor", NO_CLIENT,
          note="the benchmark's minimal signed-in page; 404 unless KEYWORK_BENCH_FLOOR is on"),
]

from tests.matrix import NO_CLIENT, READ, Entry, client_pk, contact_pk, relationship_pk

ENTRIES = [
    Entry("api:client-list", NO_CLIENT, api=True, note="the caller's scope, maybe empty"),
    Entry("api:client-detail", READ, kwargs=client_pk, api=True),
    Entry("api:relationship-list", NO_CLIENT, api=True, note="the caller's scope"),
    Entry("api:relationship-detail", READ, kwargs=relationship_pk, api=True),
    Entry("api:contact-list", NO_CLIENT, api=True,
          note="the caller's scope; POST is tested in tests/test_api.py"),
    Entry("api:contact-detail", READ, kwargs=contact_pk, api=True),
    Entry("api:schema", NO_CLIENT, api=True, note="the OpenAPI document, for staff"),
]

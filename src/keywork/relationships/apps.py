from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "keywork.relationships"
    label = "relationships"

    def ready(self) -> None:
        from keywork.clients import hooks as client_hooks
        from keywork.core import matters
        from keywork.organisations import hooks as organisation_hooks
        from keywork.relationships.matters import relationship_items
        from keywork.relationships.selectors import open_caseload_warnings, own_clients_scope

        client_hooks.scope.register("relationships", own_clients_scope, order=10)
        organisation_hooks.leaving_warnings.register("relationships", open_caseload_warnings)
        matters.SOURCES.register("relationships", relationship_items)
        matters.KINDS.register("no_keyworker", matters.Kind(
            _("A client in an open episode without a keyworker"), matters.HIGH))
        matters.KINDS.register("no_introduction", matters.Kind(
            _("A relationship without a recorded introduction"), matters.LOW))

from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "keywork.relationships"
    label = "relationships"

    def ready(self) -> None:
        from keywork.clients import hooks as client_hooks
        from keywork.organisations import hooks as organisation_hooks
        from keywork.relationships.selectors import open_caseload_warnings, own_clients_scope

        client_hooks.scope.register("relationships", own_clients_scope, order=10)
        organisation_hooks.leaving_warnings.register("relationships", open_caseload_warnings)

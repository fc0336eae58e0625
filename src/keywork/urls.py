from django.urls import include, path

from keywork.core import views as core_views
from keywork.dashboards import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("health", core_views.health, name="health"),
    path("bench/floor", core_views.bench_floor, name="bench_floor"),
    path("accounts/", include("keywork.accounts.urls")),
    path("organisation/", include("keywork.organisations.urls")),
    path("clients/", include("keywork.clients.urls")),
    path("relationships/", include("keywork.relationships.urls")),
    path("contacts/", include("keywork.contacts.urls")),
    path("", include("keywork.records.urls")),
    path("dashboards/", include("keywork.dashboards.urls")),
    path("api/", include("keywork.api.urls")),
    path("", include("keywork.signals.urls")),  # under signals/ and organisation/
    path("checkins/", include("keywork.checkins.urls")),
    path("boundaries/", include("keywork.boundaries.urls")),
    path("endings/", include("keywork.endings.urls")),
    path("safeguarding/", include("keywork.safeguarding.urls")),
    path("breakglass/", include("keywork.breakglass.urls")),
    path("supervision/", include("keywork.supervision.urls")),
    path("goals/", include("keywork.goals.urls")),
    path("mandates/", include("keywork.mandates.urls")),
    path("matching/", include("keywork.matching.urls")),
    path("today/", include("keywork.inbox.urls")),
    path("c/", include("keywork.portal.urls")),
]

handler403 = "keywork.core.views.forbidden"
handler404 = "keywork.core.views.not_found"
handler500 = "keywork.core.views.server_error"

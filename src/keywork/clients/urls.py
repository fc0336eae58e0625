from django.urls import path

from keywork.clients import views

app_name = "clients"

urlpatterns = [
    path("admit/", views.admit, name="admit"),
    path("search/", views.search, name="search"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/episodes/new/", views.episode_new, name="episode_new"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/end/", views.episode_end, name="episode_end"),
]

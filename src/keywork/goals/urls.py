from django.urls import path

from keywork.goals import views

app_name = "goals"

urlpatterns = [
    path("relationship/<int:pk>/", views.goal_list, name="list"),
    path("relationship/<int:pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/take-up/", views.take_up, name="take_up"),
    path("<int:pk>/stance/", views.stance, name="stance"),
    path("<int:pk>/steps/new/", views.step_add, name="step_add"),
    path("<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step_done"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/status/", views.status, name="status"),
    path("settings/", views.settings_page, name="settings"),
]

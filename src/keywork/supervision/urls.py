from django.urls import path

from keywork.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/reflection/", views.reflect, name="reflect"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("<int:pk>/addendum/", views.addendum, name="addendum"),
]

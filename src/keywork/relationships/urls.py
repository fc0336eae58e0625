from django.urls import path

from keywork.relationships import views

app_name = "relationships"

urlpatterns = [
    path("propose/<int:pk>/", views.propose, name="propose"),
    path("<int:pk>/introduction/", views.introduction, name="introduction"),
    path("<int:pk>/activate/", views.activate, name="activate"),
    path("<int:pk>/ending/", views.ending, name="ending"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/deputy/", views.deputy, name="deputy"),
]

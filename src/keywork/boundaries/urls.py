from django.urls import path

from keywork.boundaries import views

app_name = "boundaries"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("relationship/<int:pk>/", views.relationship, name="relationship"),
    path("relationship/<int:pk>/new/", views.record, name="record"),
    path("relationship/<int:pk>/drift/", views.drift, name="drift"),
    path("relationship/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("relationship/<int:pk>/agreement/edit/", views.agreement_edit,
         name="agreement_edit"),
    path("client/<int:pk>/new/", views.client_record, name="client_record"),
    path("event/<int:pk>/", views.event, name="event"),
    path("event/<int:pk>/reflect/", views.reflect, name="reflect"),
    path("event/<int:pk>/review/", views.review, name="review"),
    path("after-closure/", views.after_closure, name="after_closure"),
    path("after-closure/<int:pk>/", views.after_closure_done, name="after_closure_done"),
    path("gifts/", views.gifts, name="gifts"),
    path("settings/", views.settings_page, name="settings"),
]

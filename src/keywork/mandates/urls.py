from django.urls import path

from keywork.mandates import views

app_name = "mandates"

urlpatterns = [
    path("relationship/<int:pk>/", views.mandate_list, name="list"),
    path("relationship/<int:pk>/new/", views.create, name="create"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("contact/<int:pk>/basis/", views.basis, name="basis"),
]

from django.urls import path

from org import views

app_name = "org"

urlpatterns = [
    path("officers/", views.officer_list, name="officers"),
    path("units/", views.unit_list, name="units"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("history/<str:label>/<int:pk>/", views.record_history, name="history"),
]

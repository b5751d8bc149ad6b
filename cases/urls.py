from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/steps/", views.step_create, name="step_create"),
    path("<int:pk>/steps/<int:step_pk>/review/", views.step_review, name="step_review"),
    path("alerts/", views.review_queue, name="queue"),
    path("alerts/bulk/", views.alert_bulk, name="alert_bulk"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/confirm/", views.alert_review, {"action": "confirm"}, name="alert_confirm"),
    path("alerts/<int:pk>/dismiss/", views.alert_review, {"action": "dismiss"}, name="alert_dismiss"),
    path("runs/", views.run_list, name="runs"),
]

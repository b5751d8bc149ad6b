from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_create, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/import/", views.session_import, name="session_import"),
    path("questions/", views.question_list, name="questions"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("questions/import/", views.question_import, name="question_import"),
    path("questions/template.xlsx", views.question_template, name="question_template"),
    path("tests/", views.test_list, name="tests"),
    path("tests/new/", views.test_create, name="test_new"),
    path("tests/<int:pk>/", views.test_detail, name="test"),
    path("tests/<int:pk>/sample/", views.test_sample, name="test_sample"),
    path("tests/<int:pk>/results.xlsx", views.test_export, name="test_export"),
    path("tests/<int:pk>/take/", views.test_take, name="take"),
    path("tests/<int:pk>/<str:action>/", views.test_transition, name="test_transition"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/answer/", views.answer_save, name="answer"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="submit"),
    path("officers/<int:pk>/", views.officer_history, name="officer"),
    path("qualifications/", views.qualification_list, name="qualifications"),
    path("qualifications/reminders/", views.reminders_handle, name="reminders_handle"),
    path("competitions/", views.competition_list, name="competitions"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
    path("competitions/<int:pk>/<str:part>/", views.competition_edit, name="competition_edit"),
    path("case-reviews/", views.case_review_list, name="case_reviews"),
    path("talent/", views.talent_list, name="talent"),
    path("talent/new/", views.talent_edit, name="talent_new"),
    path("talent/<int:pk>/", views.talent_edit, name="talent_edit"),
    path("talent/<int:pk>/remove/", views.talent_remove, name="talent_remove"),
    path("guidance/", views.guidance_list, name="guidance"),
    path("guidance/new/", views.guidance_publish, name="guidance_new"),
    path("guidance/<int:pk>/", views.guidance_detail, name="guidance_entry"),
    path("guidance/for/<str:category>/", views.guidance_card, name="guidance_card"),
    path("statistics/", views.statistics, name="statistics"),
]

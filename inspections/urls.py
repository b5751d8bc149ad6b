from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.finding_list, name="list"),
    path("new/", views.finding_create, name="create"),
    path("<int:pk>/", views.finding_detail, name="detail"),
    path("<int:pk>/answer/", views.order_answer, name="answer"),
    path("<int:pk>/return/", views.order_return, name="return"),
    path("<int:pk>/verify/", views.order_verify, name="verify"),
    path("<int:pk>/close/", views.order_close, name="close"),
    path("<int:pk>/exclude/", views.finding_exclude, name="exclude"),
    path("<int:pk>/accountability/", views.accountability_open, name="accountability_open"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("orders/", views.order_list, name="orders"),
    path("units/", views.unit_overview, name="units"),
    path("accountability/", views.accountability_list, name="accountability"),
    path("accountability/<int:pk>/", views.accountability_detail, name="accountability_detail"),
    path("accountability/<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("points/", views.points, name="points"),
    path("points/<int:pk>/", views.points_ledger, name="points_ledger"),
    path("interference/", views.interference_list, name="interference"),
    path("interference/new/", views.interference_create, name="interference_create"),
    path("roster/", views.roster, name="roster"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("committee/", views.committee_list, name="committee"),
    path("committee/<int:pk>/", views.committee_detail, name="committee_detail"),
]

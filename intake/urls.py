from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("export/", views.incident_export, name="export"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/decide/", views.incident_decide, name="decide"),
    path("<int:pk>/correct/", views.incident_correct, name="correct"),
    path("<int:pk>/extension/", views.extension_create, name="extension"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.extension_decide, name="extension_decide"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
]

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("metrics/", views.metric_list, name="metrics"),
    path("metrics/<str:code>/records/", views.metric_records, name="records"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", views.annual_edit, name="annual_edit"),
    path("annual/<int:pk>/autosave/", views.annual_autosave, name="annual_autosave"),
    path("annual/<int:pk>/preview/", views.annual_preview, name="annual_preview"),
    path("annual/<int:pk>/publish/", views.annual_publish, name="annual_publish"),
    path("annual/<int:pk>/build/", views.annual_build, name="annual_build"),
    path("annual/<int:pk>/versions/", views.annual_versions, name="annual_versions"),
    path("annual/<int:pk>/builds/<int:build_pk>/", views.build_status, name="build_status"),
    path("annual/<int:pk>/builds/<int:build_pk>/<str:fmt>/", views.build_download, name="build_download"),
]

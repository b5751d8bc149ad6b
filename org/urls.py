from django.urls import path

from org import views, views_twofactor

app_name = "org"

urlpatterns = [
    path("api-token/", views_twofactor.api_tokens, name="api_tokens"),
    path("api-token/issue/", views_twofactor.api_token_issue, name="api_token_issue"),
    path("api-token/revoke/", views_twofactor.api_token_revoke, name="api_token_revoke"),
    path("officers/", views.officer_list, name="officers"),
    path("units/", views.unit_list, name="units"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("history/<str:label>/<int:pk>/", views.record_history, name="history"),
    path("audit/", views.audit_search, name="audit"),
]

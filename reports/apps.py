from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from org.context_processors import register_home_page, register_nav
        from org.demo import register_seeder
        from org.models import Role
        from reports.demo import seed_reports
        from reports.permissions import can_read_reports, can_view_dashboard, can_view_metrics

        register_seeder(70, "reports", seed_reports)

        from org import reference
        from reports.seed import metrics_ensure

        reference.register(metrics_ensure)
        register_nav(70, "reports:dashboard", _("Dashboard"), "speedometer2", can_view_dashboard)
        register_home_page(Role.LEADERSHIP, "reports:dashboard", can_view_dashboard)
        register_nav(71, "reports:metrics", _("Enforcement metrics"), "bar-chart-line", can_view_metrics)
        register_nav(72, "reports:annual_list", _("Annual report"), "file-earmark-text", can_read_reports)

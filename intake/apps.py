from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from intake import selectors
        from intake.demo import seed_incidents
        from intake.models import Incident
        from intake.permissions import can_import, can_log
        from intake.views import home_panel
        from org import audit
        from org.context_processors import register_home_panel, register_nav
        from org.demo import register_seeder
        from org.models import Role

        audit.register(Incident, selectors.incidents_for)
        register_seeder(20, "intake", seed_incidents)
        register_nav(10, "intake:list", _("Incidents"), "telephone-inbound")
        register_nav(11, "intake:create", _("Log a report"), "plus-circle", can_log)
        register_nav(12, "intake:approvals", _("Approvals"), "check2-square", (Role.UNIT_LEADER,))
        register_nav(13, "intake:import", _("Import"), "upload", can_import)
        register_home_panel(10, home_panel)

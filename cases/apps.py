from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases import selectors
        from cases.demo import seed_cases
        from cases.models import Alert, Case, Rule, Step
        from cases.permissions import can_review_alerts
        from cases.signals import recolour_incidents
        from cases.views import home_panel
        from intake.signals import incidents_changed
        from org import audit
        from org.context_processors import register_home_page, register_home_panel, register_nav
        from org.demo import register_seeder
        from org.models import Role
        from org.selectors import units_for

        audit.register(Case, selectors.cases_for)
        audit.register(Step, selectors.steps_for)
        audit.register(Alert, selectors.alerts_for)
        audit.register(Rule, selectors.rules_for)
        register_seeder(30, "cases", seed_cases)
        register_nav(20, "cases:list", _("Cases"), "folder2-open")
        register_nav(21, "cases:queue", _("Alerts"), "exclamation-triangle", lambda user: can_review_alerts(user))
        register_home_panel(20, home_panel)
        # A stationed legal officer's work is the queue of their assigned units' alerts.
        # Without a unit assigned today the queue is empty: org's home page says why instead.
        register_home_page(
            Role.LEGAL_OFFICER, "cases:queue", lambda user: can_review_alerts(user) and units_for(user).exists()
        )
        incidents_changed.connect(recolour_incidents, dispatch_uid="cases.recolour_incidents")

        from cases.services import reference_data_ensure
        from org import reference

        reference.register(reference_data_ensure)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from inspections import selectors
        from inspections.demo import seed_inspections
        from inspections.models import AccountabilityCase, CommitteePeriod, DutyShift, Finding, RectificationOrder
        from org import audit
        from org.context_processors import register_nav
        from org.demo import register_seeder

        audit.register(Finding, selectors.findings_for)
        audit.register(RectificationOrder, selectors.orders_for)
        audit.register(AccountabilityCase, selectors.accountability_for)
        audit.register(DutyShift, selectors.shifts_for)
        audit.register(CommitteePeriod, selectors.committees_for)
        register_seeder(40, "inspections", seed_inspections)

        from inspections import reference as inspections_reference
        from org import reference

        reference.register(inspections_reference.seed)

        # A confirmed alert becomes a finding in the same transaction (the beat task sweeps up the rest).
        from cases.signals import alert_confirmed

        alert_confirmed.connect(_finding_from_alert, dispatch_uid="inspections-finding-from-alert")
        register_nav(30, "inspections:list", _("Inspections"), "clipboard-check")


def _finding_from_alert(sender, *, alert_id: int, bureau_id: int, **kwargs) -> None:
    from inspections.services import findings_from_confirmed_alerts

    findings_from_confirmed_alerts(bureau_id=bureau_id)

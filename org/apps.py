from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from org import audit, selectors
        from org.models import LegalOfficerAssignment, Unit, User

        audit.register(Unit, selectors.units_for)
        audit.register(User, selectors.officers_for)
        audit.register(LegalOfficerAssignment, selectors.assignments_for)

        from org.demo import register_seeder, seed_org

        register_seeder(10, "org", seed_org)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from org import audit, checks, selectors  # noqa: F401 - checks registers the system checks
        from org.models import LegalOfficerAssignment, Unit, User

        audit.register(Unit, selectors.units_for)
        audit.register(User, selectors.officers_for)
        audit.register(LegalOfficerAssignment, selectors.assignments_for)

        from org.demo import register_seeder, seed_org

        register_seeder(10, "org", seed_org)

        # Security events and the seal of the audit trail.
        from axes.signals import user_locked_out
        from django.db.models.signals import post_migrate

        from org import security

        _name_third_party_apps()
        user_locked_out.connect(security.locked_out, dispatch_uid="org-security-lockout")
        post_migrate.connect(_install_audit_seal, sender=self, dispatch_uid="org-audit-seal")


def _install_audit_seal(sender, using="default", **kwargs) -> None:
    """After every migrate: every audit table (new ones too) seals what it records."""
    from django.db import connections

    from org import auditseal

    auditseal.install(connections[using])


def _name_third_party_apps() -> None:
    """The admin index lists apps by their verbose name; the libraries' own are English codes
    (AXES, OTP_TOTP, PGHISTORY). An app's name is not part of any migration, so setting it is safe."""
    from django.apps import apps

    names = {
        "axes": _("Login lockout"),
        "otp_totp": _("Authenticator apps (two-factor)"),
        "otp_static": _("Recovery codes (two-factor)"),
        "pghistory": _("Audit trail"),
    }
    for label, name in names.items():
        if label in apps.app_configs:
            apps.app_configs[label].verbose_name = name

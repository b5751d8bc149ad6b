from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from org import audit
        from org.context_processors import register_nav, register_panel
        from org.demo import register_seeder
        from training import selectors
        from training.demo import seed_training
        from training.models import (
            Attempt,
            Attendance,
            CaseReviewTest,
            GuidanceEntry,
            Qualification,
            SpotTest,
            TalentProfile,
            TrainingSession,
        )

        audit.register(TrainingSession, selectors.sessions_for)
        audit.register(Attendance, selectors.attendance_for)
        audit.register(SpotTest, selectors.tests_for)
        audit.register(Attempt, selectors.attempts_for)
        audit.register(Qualification, selectors.qualifications_for)
        audit.register(CaseReviewTest, selectors.case_reviews_for)
        audit.register(GuidanceEntry, selectors.guidance_for)
        audit.register(TalentProfile, selectors.talent_for)

        register_seeder(50, "training", seed_training)
        register_nav(50, "training:home", _("Training"), "mortarboard")
        register_nav(51, "training:guidance", _("Enforcement guidance"), "journal-text")
        # Beside the intake form: the guidance for the category the officer picks.
        register_panel("intake-form-aside", "training:guidance_card")

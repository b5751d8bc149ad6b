from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_periods_calendar_rules")]

    operations = [
        migrations.AddIndex(
            model_name="step",
            index=models.Index(fields=["case", "started_at"], name="step_case_time_idx"),
        ),
    ]

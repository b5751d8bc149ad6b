"""Overdue becomes a mark beside the state (overdue_at) instead of a state of its own, so that an
order answered or verified but never signed off goes overdue too (models.OVERDUE). An order
that is in the old state "overdue" goes back to the state it was marked from (the from_status
of its last "-> overdue" event: issued or returned) and keeps its overdue_at; its events stay."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_version_columns"),
        ("org", "0010_audit_pending"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="rectificationorder",
            name="order_overdue_has_time",
        ),
        migrations.RunSQL(
            sql="""
            UPDATE inspections_rectificationorder o SET status = COALESCE(
                (SELECT e.from_status FROM inspections_orderevent e
                 WHERE e.order_id = o.id AND e.to_status = 'overdue' AND e.from_status IN ('issued', 'returned')
                 ORDER BY e.at DESC, e.id DESC LIMIT 1),
                CASE WHEN o.times_returned > 0 THEN 'returned' ELSE 'issued' END)
            WHERE o.status = 'overdue'
            """,
            # Back: only an order waiting for the unit could be in the old state "overdue".
            reverse_sql="""
            UPDATE inspections_rectificationorder SET status = 'overdue'
            WHERE status IN ('issued', 'returned') AND overdue_at IS NOT NULL
            """,
        ),
        migrations.RemoveIndex(
            model_name="rectificationorder",
            name="order_due_idx",
        ),
        migrations.AlterField(
            model_name="orderevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("issued", "Issued"),
                    ("answered", "Answered"),
                    ("returned", "Returned"),
                    ("verified", "Verified"),
                    ("closed", "Signed off"),
                    ("overdue", "Overdue"),
                ],
                max_length=10,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="orderevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("issued", "Issued"),
                    ("answered", "Answered"),
                    ("returned", "Returned"),
                    ("verified", "Verified"),
                    ("closed", "Signed off"),
                    ("overdue", "Overdue"),
                ],
                max_length=10,
                verbose_name="to",
            ),
        ),
        migrations.AlterField(
            model_name="rectificationorder",
            name="status",
            field=models.CharField(
                choices=[
                    ("issued", "Issued"),
                    ("answered", "Answered"),
                    ("returned", "Returned"),
                    ("verified", "Verified"),
                    ("closed", "Signed off"),
                ],
                default="issued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="rectificationorderevent",
            name="status",
            field=models.CharField(
                choices=[
                    ("issued", "Issued"),
                    ("answered", "Answered"),
                    ("returned", "Returned"),
                    ("verified", "Verified"),
                    ("closed", "Signed off"),
                ],
                default="issued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="rectificationorder",
            index=models.Index(
                condition=models.Q(
                    ("overdue_at__isnull", True), ("status__in", ["issued", "returned", "answered", "verified"])
                ),
                fields=["due_at"],
                name="order_due_idx",
            ),
        ),
    ]

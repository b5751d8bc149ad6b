"""Seals are linked into the chain at commit: a long transaction holds nobody's audit back."""

from __future__ import annotations

import pytest
from django.db import connection

from org import auditseal
from org.models import AuditSeal, Unit


@pytest.mark.django_db
def test_a_seal_waits_as_pending_until_its_transaction_commits(bureau):
    from org.models import AuditPending

    sealed, pending = AuditSeal.objects.count(), AuditPending.objects.count()  # the fixture's writes
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="待提交")
    assert AuditSeal.objects.count() == sealed and AuditPending.objects.count() == pending + 1
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT does first
    assert AuditSeal.objects.count() == sealed + pending + 1 and not AuditPending.objects.exists()
    assert auditseal.verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_long_open_transaction_does_not_hold_back_other_writers_audit():
    """The nightly run keeps its transaction open for a minute; a desk save meanwhile must not
    wait for it to end (the chain's lock is taken at commit, for the commit only)."""
    import psycopg
    from django.conf import settings as django_settings

    from config.embedded import psycopg_params
    from conftest import make_bureau

    bureau = make_bureau()
    params = psycopg_params(django_settings.DATABASES["default"], dbname=connection.settings_dict["NAME"])
    with psycopg.connect(**params) as long_run, psycopg.connect(**params, autocommit=True) as desk:
        long_run.execute("UPDATE org_unit SET name = '夜间运行' WHERE id = %s", [bureau.station_a.pk])
        desk.execute("SET lock_timeout = '3s'")  # waiting for the long transaction would fail here
        desk.execute("UPDATE org_unit SET name = '值班台' WHERE id = %s", [bureau.station_b.pk])
        long_run.commit()
    seals = list(AuditSeal.objects.filter(source="org_unitevent").order_by("id").values_list("rows", "ranges"))
    assert len(seals) >= 2
    checked, broken = auditseal.verify()
    assert broken is None and checked == AuditSeal.objects.count()
    # linked in commit order: the desk's seal, committed first, comes before the long run's
    with connection.cursor() as cursor:
        cursor.execute("SELECT pgh_id FROM org_unitevent WHERE name = '值班台'")
        desk_event = cursor.fetchone()[0]
    last_two = AuditSeal.objects.filter(source="org_unitevent").order_by("-id")[:2]
    assert last_two[1].ranges == [[desk_event, desk_event]]

"""Compliance: the nightly run over every record, beside a naive per-row ORM loop on a sample
(extrapolated) and a plain count(*) join over the same tables; and the on-save re-evaluation
of one record (BENCH.md keys compliance.*)."""

from __future__ import annotations

import random
import statistics
import time

from bench import lib

AREA = "compliance"
NAIVE_SAMPLE = 10_000


def run(ctx: dict) -> dict:
    import psycopg
    from django.db import transaction

    from cases.compliance import compliance_run, evaluate_records
    from cases.models import Case, Step
    from intake.models import Incident

    out: dict = {"rows": ctx["incidents"]}
    incidents = Incident.objects.count()
    cases = Case.objects.count()
    steps = Step.objects.count()
    out.update(incidents=incidents, cases=cases, steps=steps)
    as_of = _as_of()

    # (a) our run, twice: the nightly steady state (the seed already coloured the year once).
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        run_row = compliance_run(at=as_of)
        runs.append((time.perf_counter() - started, run_row))
    out["full_run_s"] = round(statistics.median(s for s, _ in runs), 2)
    out["full_run_runs_s"] = [round(s, 2) for s, _ in runs]
    last = runs[-1][1]
    out["per_rule_s"] = last.timings
    out["second_run_changes"] = {
        "alerts_opened": last.alerts_opened,
        "alerts_resolved": last.alerts_resolved,
        "recoloured": last.recoloured,
    }
    first = runs[0][1]
    out["findings"] = first.findings

    # (c) the raw lower bound: one count(*) join over the same tables, through psycopg.
    with psycopg.connect(ctx["database_url"]) as raw:
        started = time.perf_counter()
        raw.execute(
            """SELECT count(*) FROM intake_incident i LEFT JOIN cases_case c ON c.incident_id = i.id
               LEFT JOIN cases_step s ON s.case_id = c.id"""
        ).fetchone()
        out["raw_count_join_s"] = round(time.perf_counter() - started, 2)

    # (b) the naive way, on a sample, extrapolated to every record.
    rng = random.Random(11)
    share = cases / max(incidents + cases, 1)
    case_ids = list(Case.objects.values_list("id", flat=True))
    incident_ids = list(Incident.objects.values_list("id", flat=True))
    sample_cases = rng.sample(case_ids, min(len(case_ids), int(NAIVE_SAMPLE * share)))
    sample_incidents = rng.sample(incident_ids, min(len(incident_ids), NAIVE_SAMPLE - len(sample_cases)))
    with transaction.atomic():
        started = time.perf_counter()
        _naive(sample_incidents, sample_cases, as_of)
        naive_sample_s = time.perf_counter() - started
        transaction.set_rollback(True)
    per_record = naive_sample_s / max(len(sample_incidents) + len(sample_cases), 1)
    out["naive_sample_records"] = len(sample_incidents) + len(sample_cases)
    out["naive_sample_s"] = round(naive_sample_s, 2)
    out["naive_extrapolated_s"] = round(per_record * (incidents + cases), 1)
    out["naive_speedup"] = round(out["naive_extrapolated_s"] / out["full_run_s"], 1)
    out["full_run_raw_ratio"] = round(out["full_run_s"] / max(out["raw_count_join_s"], 0.001), 1)

    # On save: one record's rules re-evaluated in its transaction, timed up to its commit (the
    # commit belongs to the save). Committed as a save is: a rollback would also throw away the
    # connection's prepared statement (psycopg forgets them at a rollback), which a portal worker
    # keeps from one save to the next. As of the nightly run's moment, it changes nothing.
    timings = []
    for n in range(300):
        with transaction.atomic():
            started = time.perf_counter()
            if n % 2:
                evaluate_records(bureau_id=_bureau_id(), case_ids=[rng.choice(case_ids)], now=as_of)
            else:
                evaluate_records(bureau_id=_bureau_id(), incident_ids=[rng.choice(incident_ids)], now=as_of)
            timings.append((time.perf_counter() - started) * 1000)
    timings = timings[20:]  # warm-up
    out["on_save_p95_ms"] = round(lib.percentile(timings, 95), 2)
    out["on_save_median_ms"] = round(statistics.median(timings), 2)
    return out


_BUREAU: list[int] = []


def _bureau_id() -> int:
    if not _BUREAU:
        from org.demo import DEMO_BUREAU_CODE
        from org.models import Bureau

        _BUREAU.append(Bureau.objects.get(code=DEMO_BUREAU_CODE).pk)
    return _BUREAU[0]


def _as_of():
    """The end of the demo year: the moment seed_demo coloured it as of."""
    from datetime import datetime

    from django.db.models import Max

    from cases.periods import LEGAL_TZ
    from intake.models import Incident

    latest = Incident.objects.aggregate(m=Max("received_at"))["m"]
    return datetime(latest.astimezone(LEGAL_TZ).year + 1, 1, 1, tzinfo=LEGAL_TZ)


def _naive(incident_ids: list[int], case_ids: list[int], now) -> None:
    """The way a typical Django app would do it: load each record, its steps, the rules, compute
    every deadline in Python, save the colour. Same rules, same periods (cases.periods.due_at)."""
    from cases.models import Case, Rule
    from cases.periods import WorkCalendar, due_at, warn_from
    from intake.models import ExtensionRequest, Incident
    from org.models import User

    calendar = WorkCalendar.load()
    for pk in incident_ids:
        incident = Incident.objects.get(pk=pk)
        rules = {r.code: r for r in Rule.objects.filter(enabled=True, record_kind="incident")}
        colours = []
        for code, category in (("INT-01", "administrative"), ("INT-02", "criminal")):
            rule = rules.get(code)
            if rule and incident.category == category:
                n, unit = rule.period, rule.period_unit
                if incident.is_complex:
                    kinds = list(
                        ExtensionRequest.objects.filter(incident=incident, status="approved").values_list(
                            "kind", flat=True
                        )
                    )
                    n = (
                        rule.params.get("complex_period", n)
                        if "criminal_complex" in kinds or code == "INT-01"
                        else rule.params.get("check_period", n)
                    )
                    unit = rule.params.get("complex_unit", unit) if code == "INT-01" else unit
                due = due_at(incident.received_at, n, unit, custody=rule.custody, calendar=calendar)
                done = incident.decided_at if incident.decided_at and incident.decided_at <= now else None
                if (done and done > due) or (not done and now > due):
                    colours.append("red")
                elif not done and now >= warn_from(incident.received_at, due, rule.warn_at):
                    colours.append("yellow")
        if "INT-04" in rules and incident.reporter_id_number:
            if (
                Incident.objects.filter(
                    bureau_id=incident.bureau_id,
                    reporter_id_hash=incident.reporter_id_hash,
                    category=incident.category,
                    received_at__lt=incident.received_at,
                )
                .exclude(disposition__in=["accepted", "filed"])
                .exists()
            ):
                colours.append("red")
        if "INT-05" in rules and (incident.receiving_officer_id is None or not incident.location):
            colours.append("yellow")
        incident.colour = "red" if "red" in colours else "yellow" if colours else "green"
        incident.save(update_fields=["colour"])
    for pk in case_ids:
        case = Case.objects.get(pk=pk)
        rules = {r.code: r for r in Rule.objects.filter(enabled=True, record_kind="case")}
        steps = list(case.steps.all())
        colours = []
        hour_rules = {
            "CAS-01": ("summons", "ended_at"),
            "CAS-02": ("detention", "delivered_at"),
            "CAS-03": ("detention", "family_notified_at"),
            "CAS-09": ("property", "custody_at"),
        }
        for code, (kind, field) in hour_rules.items():
            rule = rules.get(code)
            for step in steps:
                if rule and step.kind == kind:
                    due = due_at(
                        step.started_at, rule.period, rule.period_unit, custody=rule.custody, calendar=calendar
                    )
                    done = getattr(step, field)
                    if (done and done > due) or (not done and now > due):
                        colours.append("red")
        for step in steps:
            if step.kind in ("interrogation", "questioning") and "CAS-08" in rules:
                sworn = User.objects.filter(pk__in=step.officers, is_auxiliary=False).count()
                if sworn < 2:
                    colours.append("red")
            if step.kind in ("bail", "surveillance") and "CAS-06" in rules:
                rule = rules["CAS-06"]
                due = due_at(step.started_at, rule.period, rule.period_unit, calendar=calendar)
                if not step.ended_at and now > due:
                    colours.append("red")
        if case.kind == "administrative" and "CAS-11" in rules:
            rule = rules["CAS-11"]
            due = due_at(case.opened_at, rule.period, rule.period_unit, calendar=calendar)
            if (case.closed_at and case.closed_at > due) or (not case.closed_at and now > due):
                colours.append("red")
        case.colour = "red" if "red" in colours else "yellow" if colours else "green"
        case.save(update_fields=["colour"])

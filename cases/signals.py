"""intake announces changed reports; the cases app opens the cases of newly accepted or filed
ones and recolours them all, in the same transaction, with the nightly run's SQL."""

from __future__ import annotations

from django.dispatch import Signal

from cases.compliance import evaluate_records
from cases.services import cases_open_for

# Sent inside the transaction that confirmed an alert; the inspections app (above cases)
# turns it into a finding with its rectification order at once. Arguments: alert_id, bureau_id.
alert_confirmed = Signal()


def recolour_incidents(
    sender, *, incident_ids=None, bureau_id=None, import_started_at=None, decided=True, created=False, **kwargs
) -> None:
    if incident_ids is not None:
        # Only an accepted or filed report opens a case: a report just logged skips the statement.
        opened = cases_open_for(bureau_id=bureau_id, incident_ids=list(incident_ids)) if decided else []
        evaluate_records(bureau_id=bureau_id, incident_ids=list(incident_ids), created=created)
    elif import_started_at is not None:
        # A bulk import: the same SQL restricted to the rows it loaded (created_at = the import's start).
        opened = cases_open_for(bureau_id=bureau_id, import_started_at=import_started_at)
        evaluate_records(bureau_id=bureau_id, import_started_at=import_started_at, created=True)
    else:
        return
    if opened:
        evaluate_records(bureau_id=bureau_id, case_ids=opened)

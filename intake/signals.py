"""What the apps above intake listen to. intake never imports them (DESIGN §6)."""

from django.dispatch import Signal

# Sent inside the transaction that logged, corrected, decided or imported reports, so a
# listener (the compliance rules) can recolour them before the user sees the page.
# Arguments: incident_ids (a list of ids; None for a bulk import), bureau_id, for an import
# import_started_at (every row it loaded has created_at equal to it), decided (False when
# every report named is still undecided, so no case can open) and created (True when they were
# all just logged, so no alert of theirs can be open yet).
incidents_changed = Signal()

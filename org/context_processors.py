"""The navigation of each role (DESIGN §1): what a user sees first."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from org.models import Role

# (url name, label, icon, roles that see it; None = every signed-in user)
NAV_ITEMS = [
    ("home", _("Home"), "house", None),
    ("org:officers", _("Officers"), "people", None),
    ("org:units", _("Units"), "diagram-3", (Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN, Role.LEGAL_OFFICER)),
    ("org:assignments", _("Legal officer rotation"), "arrow-repeat", (Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_OFFICER)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = []
    for name, label, icon, roles in NAV_ITEMS:
        if roles is not None and user.role not in roles:
            continue
        url = reverse(name)
        items.append({"url": url, "label": label, "icon": icon, "active": request.path == url})
    return {"nav_items": items}

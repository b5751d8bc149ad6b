"""The navigation of each role (DESIGN §1): what a user sees first.

Each app adds its own entries in AppConfig.ready() with register_nav(), so org never
imports the apps above it."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from org.models import Role

# (order, url name, label, icon, who sees it: None = everyone, a tuple of roles, or a predicate)
Visibility = None | tuple | Callable
NAV_ITEMS: list[tuple[int, str, object, str, Visibility]] = [
    (0, "home", _("Home"), "house", None),
    (80, "org:officers", _("Officers"), "people", None),
    (81, "org:units", _("Units"), "diagram-3", (Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN, Role.LEGAL_OFFICER)),
    (
        82,
        "org:assignments",
        _("Legal officer rotation"),
        "arrow-repeat",
        (Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_OFFICER),
    ),
]


# Panels an app offers to another app's page, by slot name, so neither imports the other:
# the intake form shows the training app's enforcement guidance for the chosen category.
PANELS: dict[str, list[str]] = {}


def register_panel(slot: str, url_name: str) -> None:
    """`url_name` takes one argument, filled in by the page (e.g. the chosen category)."""
    PANELS.setdefault(slot, [])
    if url_name not in PANELS[slot]:
        PANELS[slot].append(url_name)


def panel_urls(slot: str) -> list[str]:
    """URL templates with "__value__" where the page puts its value."""
    return [reverse(name, args=["__value__"]) for name in PANELS.get(slot, [])]


def register_nav(order: int, url_name: str, label, icon: str, visible: Visibility = None) -> None:
    if all(item[1] != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append((order, url_name, label, icon, visible))
        NAV_ITEMS.sort(key=lambda item: item[0])


# Panels the home page shows, each a callable (request) -> HTML or "" (e.g. the cases app's
# counts by colour per unit), registered in AppConfig.ready() so org never imports upward.
HOME_PANELS: list[tuple[int, Callable]] = []


def register_home_panel(order: int, render: Callable) -> None:
    if all(existing is not render for _, existing in HOME_PANELS):
        HOME_PANELS.append((order, render))
        HOME_PANELS.sort(key=lambda item: item[0])


# The page a role lands on when it opens the portal, where that page belongs to another app
# (legal officer: the review queue; leadership: the dashboard). Roles without one get org's
# home page with the panels above.
HOME_PAGES: dict[str, tuple[str, Callable | None]] = {}


def register_home_page(role: str, url_name: str, allowed: Callable | None = None) -> None:
    HOME_PAGES[role] = (url_name, allowed)


def home_page_url(user) -> str | None:
    entry = HOME_PAGES.get(user.role)
    if entry is None or (entry[1] is not None and not entry[1](user)):
        return None
    return reverse(entry[0])


def home_panels(request) -> list[str]:
    return [html for _order, render in HOME_PANELS if (html := render(request))]


def _visible(user, visible: Visibility) -> bool:
    if visible is None:
        return True
    if callable(visible):
        return visible(user)
    return user.role in visible


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = []
    for _order, name, label, icon, visible in NAV_ITEMS:
        if _visible(user, visible):
            url = reverse(name)
            items.append({"url": url, "label": label, "icon": icon, "active": request.path == url})
    from org.notifications import unread_count

    return {"nav_items": items, "unread_notifications": unread_count(user)}

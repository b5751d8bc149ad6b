"""Small template helpers shared by every app's pages."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def bs(field):
    """Render a form field's widget with Bootstrap's classes, marked invalid when it has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def panel_url(slot: str) -> str:
    """The first panel registered for a slot, as a URL template ("" when none is)."""
    from org.context_processors import panel_urls

    urls = panel_urls(slot)
    return urls[0] if urls else ""

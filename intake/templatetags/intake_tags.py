from django import template

from intake.models import Category, Channel, Colour, Disposition

register = template.Library()

_CHOICES = {"channel": Channel, "category": Category, "disposition": Disposition, "colour": Colour}


@register.filter
def choice_label(value, kind: str):
    """The translated label of a stored choice value (lists read .values(), not model instances)."""
    choices = _CHOICES[kind]
    return choices(value).label if value in choices.values else value

from django import template

from reports.selectors import target_text

register = template.Library()


@register.filter
def target(metric) -> str:
    return target_text(metric)


@register.filter
def sum_list(values) -> int:
    return sum(values or [])

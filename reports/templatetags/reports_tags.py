from django import template

from reports.selectors import target_text

register = template.Library()


@register.filter
def target(metric) -> str:
    return target_text(metric)


@register.filter
def sum_list(values) -> int:
    return sum(values or [])


@register.filter
def lines_of_title(title: str) -> list[str]:
    """The title's lines as the DOCX and the PDF break it (reports.document.title_lines)."""
    from reports.document import title_lines

    return title_lines(title)

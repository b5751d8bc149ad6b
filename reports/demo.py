"""Demo data: the figures of the demo year, and a draft annual report with next year's plan."""

from __future__ import annotations

from org.demo import DemoContext
from org.models import Role, User
from reports import services


def seed_reports(ctx: DemoContext) -> None:
    bureau = ctx.bureau
    services.figures_refresh_year(bureau_id=bureau.pk, year=ctx.year, trigger="seed")
    leader = User.objects.filter(bureau=bureau, role=Role.LEADERSHIP).order_by("police_number").first()
    if leader is None:
        return
    report = services.report_create(by=leader, year=ctx.year)
    services.report_save(
        by=leader,
        report_id=report.pk,
        data={
            "doc_number": f"临公法〔{ctx.year + 1}〕1号",
            "plan": report.plan + "\n（四）推进执法监督平台二期建设，实现案件全流程三色预警。",
        },
    )
    ctx.progress("reports", 1, 1)

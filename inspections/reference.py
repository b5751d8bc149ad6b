"""Reference data of the inspections app: the starting finding categories (administrators
edit them later) and the points rates. Seeded by migration 0002; seed() is idempotent, so the
demo seeder and tests whose database was flushed put the rows back the same way."""

from __future__ import annotations

# (code, name, control rules whose confirmed alerts fall in it)
CATEGORIES = [
    ("untruthful", "不如实受立案", ["INT-03", "INT-04"]),
    ("sitting", "压案不查", ["INT-01", "INT-02", "CAS-11"]),
    ("long_unresolved", "久侦不决", ["CAS-12"]),
    ("single_officer", "单人取证", ["CAS-08"]),
    ("out_of_supervision", "人员脱管", ["CAS-06", "CAS-07", "CAS-14"]),
    ("property", "涉案财物管理不规范", ["CAS-09", "CAS-10"]),
    ("measures", "强制措施适用不规范", ["CAS-01", "CAS-02", "CAS-03", "CAS-04", "CAS-05", "CAS-13"]),
    ("leader_review", "审核把关不严", ["CAS-15"]),
    ("jurisdiction", "违反层级管辖", ["CAS-16"]),
    ("documents", "文书不规范", ["INT-05"]),
    ("uncivil", "不文明执法/态度生硬", []),
    ("other", "其他执法问题", []),
]

# (case kind, stage, points): what each stage a case reaches earns its lead officer.
RATES = [
    ("administrative", "questioning", "0.5"),
    ("administrative", "summons", "1.0"),
    ("administrative", "search", "1.0"),
    ("administrative", "property", "0.5"),
    ("administrative", "closure", "3.0"),
    ("criminal", "questioning", "0.5"),
    ("criminal", "interrogation", "1.0"),
    ("criminal", "summons", "1.0"),
    ("criminal", "detention", "2.0"),
    ("criminal", "arrest_request", "3.0"),
    ("criminal", "bail", "1.5"),
    ("criminal", "surveillance", "1.5"),
    ("criminal", "search", "1.0"),
    ("criminal", "property", "0.5"),
    ("criminal", "transfer", "5.0"),
    ("criminal", "closure", "3.0"),
]


def seed(apps=None, schema_editor=None) -> None:
    if apps is None:
        from django.apps import apps
    Category = apps.get_model("inspections", "FindingCategory")
    Rate = apps.get_model("inspections", "PointsRate")
    for position, (code, name, rules) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "rule_codes": rules, "position": position})
    for kind, stage, points in RATES:
        Rate.objects.get_or_create(case_kind=kind, stage=stage, defaults={"points": points})

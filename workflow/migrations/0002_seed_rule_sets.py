"""Seed the clock rules of DESIGN.md §5–§7, each with its source clause.

Administrators add later versions (a province's stricter limit, a new regulation) as new rule
sets; this migration only writes version 1 and never edits rows afterwards.
"""

import datetime as dt

from django.db import migrations

D, WD, H = "calendar_days", "working_days", "hours"

# (code, name, source, effective_from, [(kind, label, length, unit, max_extension, clause, ladder)])
# ladder: (warning_hours, unit_leader_after, supervising_office_after, government_leader_after)
DAYS = (72, 0, 72, 168)
SHORT = (0, 0, 1, 2)
DAY_ONE = (6, 0, 12, 24)
RULE_SETS = [
    (
        "letters-visits",
        "信访工作条例 Regulations on Letters and Visits",
        "信访工作条例 (2022), in force 2022-05-01",
        dt.date(2022, 5, 1),
        [
            ("complaints.register_route", "登记并转送/交办 Register and route", 15, D, None,
             "Art. 22: register and transfer or assign within 15 days of receipt", DAYS),
            ("complaints.receipt_notice", "书面告知 Notice of receipt and route", 15, D, None,
             "Art. 23: tell the complainant in writing within 15 days of receipt", DAYS),
            ("complaints.remit_objection", "不属职责异议 Objection to remit", 5, WD, None,
             "Art. 23: a unit that is not competent objects within 5 working days", (24, 0, 24, 72)),
            ("complaints.handle", "办理并出具意见 Handle and give a written opinion", 60, D, 30,
             "Art. 34: opinion within 60 days of acceptance; extension ≤ 30 days, approved by the "
             "unit head, complainant told why", DAYS),
            ("complaints.review_request", "请求复查期限 Window to ask for review", 30, D, None,
             "Art. 35: the complainant may ask for review within 30 days of receiving the opinion",
             (0, None, None, None)),
            ("complaints.review_opinion", "复查意见 Review opinion", 30, D, None,
             "Art. 35: review opinion within 30 days of receiving the request", DAYS),
            ("complaints.rereview_request", "请求复核期限 Window to ask for re-review", 30, D, None,
             "Art. 36: the complainant may ask for re-review within 30 days of the review opinion",
             (0, None, None, None)),
            ("complaints.rereview_opinion", "复核意见 Re-review opinion", 30, D, None,
             "Art. 36: re-review opinion within 30 days of the request; hearing time not counted "
             "(the clock pauses)", DAYS),
        ],
    ),
    (
        "hotline-12345",
        "12345 热线办理时限 Hotline limits (local defaults)",
        "DESIGN.md §6 defaults after the Beijing Regulation on Immediate Handling of Complaints "
        "(2021); each city sets its own",
        dt.date(2021, 9, 24),
        [
            ("hotline.emergency", "紧急诉求 Emergency", 2, H, None,
             "local default: emergencies within 2 hours", SHORT),
            ("hotline.utilities", "水电气热 Water, power, gas, heat", 24, H, None,
             "local default: water/power/gas/heat within 24 hours", DAY_ONE),
            ("hotline.general", "一般诉求 General", 7, D, None,
             "local default: general requests within 7 days", DAYS),
            ("hotline.complex", "疑难诉求 Complex", 15, D, None,
             "local default: complex requests within 15 days", DAYS),
        ],
    ),
    (
        "accident-reporting",
        "生产安全事故报告和调查处理条例 Accident reporting and investigation",
        "国务院令第493号 State Council Decree 493, in force 2007-06-01",
        dt.date(2007, 6, 1),
        [
            ("accidents.unit_report", "单位报告 Unit reports to the county regulators", 1, H, None,
             "Art. 9: the unit head reports within 1 hour", SHORT),
            ("accidents.pass_up", "逐级上报 Each level passes up", 2, H, None,
             "Art. 11: each level reports upward within 2 hours", SHORT),
            ("accidents.supplementary", "补报 Supplementary report", 30, D, None,
             "Art. 13: casualty changes within 30 days", DAYS),
            ("accidents.supplementary_road_fire", "补报（道路交通、火灾）Supplementary, road/fire",
             7, D, None, "Art. 13: road traffic and fire accidents, within 7 days", DAYS),
            ("accidents.investigation_report", "调查报告 Investigation report", 60, D, 60,
             "Art. 29: within 60 days; extension ≤ 60 days", DAYS),
            ("accidents.government_reply", "批复 Government reply", 15, D, None,
             "Art. 32: reply within 15 days of the report", DAYS),
            ("accidents.government_reply_particularly_serious",
             "批复（特别重大）Government reply, particularly serious", 30, D, 30,
             "Art. 32: particularly serious accidents, 30 days; extension ≤ 30 days", DAYS),
        ],
    ),
    (
        "emergency-information",
        "突发事件信息报告 Emergency information reporting (local rules)",
        "突发事件应对法 (2024), in force 2024-11-01; reporting hours are local rules",
        dt.date(2024, 11, 1),
        [
            ("incidents.info_report_larger", "较大及以上信息报告 Larger and above", 1, H, None,
             "local rule (DESIGN.md §7): larger and above within 1 hour", SHORT),
            ("incidents.info_report_general", "一般信息报告 General", 24, H, None,
             "local rule (DESIGN.md §7): general within 24 hours", DAY_ONE),
        ],
    ),
    (
        "work-safety-law",
        "安全生产法 Work Safety Law",
        "中华人民共和国安全生产法 (2021 amendment), in force 2021-09-01",
        dt.date(2021, 9, 1),
        [
            ("hazards.rectify", "隐患整改 Rectify by the ordered deadline", None, D, None,
             "Art. 65: rectify on the spot or by the deadline the order sets", DAYS),
            ("hazards.power_cut_notice", "停电书面通知 Written notice before cutting power", 24, H,
             None, "Art. 70: notify the unit in writing 24 hours before", DAY_ONE),
        ],
    ),
    (
        "saws-order-16",
        "安全生产事故隐患排查治理暂行规定 Hazard rules",
        "国家安全生产监督管理总局令第16号 SAWS Order 16 (2007), in force 2008-02-01",
        dt.date(2008, 2, 1),
        [
            ("hazards.resume_review", "恢复生产现场审查 On-site review before resuming", 10, D,
             None, "Art. 23: on-site review within 10 days of the application to resume", DAYS),
        ],
    ),
    (
        "supervision",
        "督查督办 Supervision notices (local default)",
        "local practice; each government sets its reply limit",
        dt.date(2000, 1, 1),
        [
            ("workflow.supervision_reply", "督办回复 Reply to a supervision notice", 5, WD, 5,
             "local default: the unit replies within 5 working days", (24, 0, 24, 72)),
        ],
    ),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("workflow", "RuleSet")
    ClockRule = apps.get_model("workflow", "ClockRule")
    for code, name, source, effective_from, rules in RULE_SETS:
        rule_set = RuleSet.objects.create(
            code=code, name=name, source=source, effective_from=effective_from, version=1
        )
        for kind, label, length, unit, extension, clause, ladder in rules:
            warning, leader, office, government = ladder
            ClockRule.objects.create(
                rule_set=rule_set,
                kind=kind,
                label=label,
                length=length,
                unit=unit,
                max_extension_days=extension,
                source_clause=clause,
                warning_hours=warning,
                unit_leader_after_hours=leader,
                supervising_office_after_hours=office,
                government_leader_after_hours=government,
            )


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("workflow", "RuleSet")
    codes = [code for code, *_ in RULE_SETS]
    apps.get_model("workflow", "ClockRule").objects.filter(rule_set__code__in=codes).delete()
    RuleSet.objects.filter(code__in=codes, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

"""Rules of a case's file beyond its documents: how documents are served and when a service counts, the evidence
list's items, and the standard documents (文书) the office issues from templates, with what fills them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casetrack.i18n import N_

#: The audit trail's words for the entries these verbs write.
AUDIT_FIELDS = {
    "case": {"evidence": N_("Evidence list"), "service": N_("Service (送达)")},
    "document_template": {"template": N_("Template")},
}
AUDIT_VALUES: dict = {}

SERVICE_DIRECTIONS = {"sent": N_("Sent (发出)"), "received": N_("Received (收到)")}
#: 民事诉讼法 Arts 87–95, applied to lawsuits by 行政诉讼法 Art. 101 and followed by review bodies.
SERVICE_METHODS = {
    "direct": N_("In person (直接送达)"),
    "post": N_("By post (邮寄送达)"),
    "electronic": N_("Electronically (电子送达)"),
    "public_notice": N_("By public notice (公告送达)"),
    "left": N_("Left at the address (留置送达)"),
}
#: 民事诉讼法 Art. 95 (2021): 公告送达，自发出公告之日起，经过三十日，即视为送达.
PUBLIC_NOTICE_DAYS = 30


def deemed_served_on(method: str, served_on: date) -> date:
    """The day a service counts from: a public notice 30 days after it was published, any other the day itself."""
    return served_on + timedelta(days=PUBLIC_NOTICE_DAYS) if method == "public_notice" else served_on


def service_problems(direction: str, method: str, what: str, party: str, starts: str | None, startable) -> list[str]:
    problems = []
    if direction not in SERVICE_DIRECTIONS:
        problems.append(N_("Say whether the document was sent or received."))
    if method not in SERVICE_METHODS:
        problems.append(N_("Choose how the document was served."))
    if not what.strip():
        problems.append(N_("Say what was served."))
    if not party.strip():
        problems.append(N_("Say to or from whom it was served."))
    if starts and starts not in startable:
        problems.append(N_("This kind of case has no such date for a service to start."))
    return problems


def evidence_problems(name: str, pages: int | None) -> list[str]:
    problems = []
    if not name.strip():
        problems.append(N_("Give the evidence's name."))
    if pages is not None and not 0 < pages <= 100_000:
        problems.append(N_("Pages must be a whole number from 1."))
    return problems


def moved(positions: list[int], index: int, step: int) -> list[int]:
    """The list's order after moving the item at ``index`` one place up (-1) or down (+1); unchanged at an end."""
    target = index + step
    if not 0 <= index < len(positions) or not 0 <= target < len(positions):
        return list(positions)
    order = list(positions)
    order[index], order[target] = order[target], order[index]
    return order


# --- standard documents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardDocument:
    code: str
    title: str
    #: documents.rules.CATEGORIES code it is filed under.
    category: str
    basis: str
    #: (case values) -> whether the case is at a stage this document is issued at.
    applies: object
    #: The body, paragraph by paragraph, in the template language (Jinja, as docxtpl renders it).
    paragraphs: tuple[str, ...]
    #: Who signs at the foot: the review body, or the respondent.
    signed_by: str = "{{ issuing_body }}"
    #: The respondent's own document (its defence, its head's appearance), drafted by the unit rather than issued.
    by_respondent: bool = False


def _accepted(case: dict) -> bool:
    return case["accepted_on"] is not None


STANDARD_DOCUMENTS: dict[str, StandardDocument] = {
    d.code: d
    for d in (
        StandardDocument(
            "acceptance_notice",
            "行政复议受理通知书",
            "notice",
            "《中华人民共和国行政复议法》第三十条",
            _accepted,
            (
                "{{ case_number }}",
                "{{ applicants }}：",
                "你（单位）不服{{ respondent }}作出的{{ subject "
                "}}，于{{ received_on }}向本机关提出的行政复议申请收悉。"
                "经审查，该申请符合《中华人民共和国行政复议法》第三十条规定的受理"
                "条件，本机关决定自{{ accepted_on }}起予以受理。",
                "本机关将依法将行政复议申请书副本发送被申请人，并在法定期限内作出行政复议决定。",
                "特此通知。",
            ),
        ),
        StandardDocument(
            "correction_notice",
            "行政复议申请补正通知书",
            "notice",
            "《中华人民共和国行政复议法》第三十一条",
            lambda case: case["correction_notice_on"] is not None,
            (
                "{{ case_number }}",
                "{{ applicants }}：",
                "你（单位）于{{ received_on }}向本机关提出的行政复议申请，经审查，申请材料不齐全或者表述不清楚，"
                "无法判断是否符合受理条件。根据《中华人民共和国行政复"
                "议法》第三十一条的规定，请你（单位）自收到本通知之日起"
                "十日内补正以下材料：",
                "{{ correction_items }}",
                "无正当理由逾期不补正的，视为你（单位）放弃行政复议申请。",
                "特此通知。",
            ),
        ),
        StandardDocument(
            "answer_notice",
            "提出行政复议答复通知书",
            "notice",
            "《中华人民共和国行政复议法》第四十八条",
            _accepted,
            (
                "{{ case_number }}",
                "{{ respondent }}：",
                "{{ applicants }}不服你单位作出的{{ subject }}，"
                "向本机关申请行政复议，本机关已于{{ accepted_on }}依法受理。"
                "现将行政复议申请书副本发送你单位。",
                "根据《中华人民共和国行政复议法》第四十八条的规定，"
                "请你单位自收到申请书副本之日起十日内，提出书面答复，"
                "并提交作出行政行为的证据、依据和其他有关材料。逾期未答复的，视为该行政行为没有证据、依据。",
                "特此通知。",
            ),
        ),
        StandardDocument(
            "suspension_notice",
            "中止审理通知书",
            "notice",
            "《中华人民共和国行政复议法》第三十九条；最高人民法院关于适用《中华人民共和国行政诉讼法》的解释第八十七条",
            lambda case: case["suspended_on"] is not None,
            (
                "{{ case_number }}",
                "{{ applicants }}、{{ respondent }}：",
                "本机关审理的{{ applicants }}与{{ respondent }}{{ kind }}一案，因{{ suspension_reason }}，"
                "依照{{ suspension_basis }}的规定，决定自{{ sus"
                "pended_on }}起中止审理。中止的原因消除后，本机关将及时恢复审理。",
                "特此通知。",
            ),
        ),
        StandardDocument(
            "resumption_notice",
            "恢复审理通知书",
            "notice",
            "《中华人民共和国行政复议法》第四十条",
            lambda case: case["resumed_on"] is not None,
            (
                "{{ case_number }}",
                "{{ applicants }}、{{ respondent }}：",
                "本机关于{{ suspended_on }}中止审理的{{ applicants "
                "}}与{{ respondent }}{{ kind }}一案，中止的原因已经消除，"
                "本机关决定自{{ resumed_on }}起恢复审理。",
                "特此通知。",
            ),
        ),
        StandardDocument(
            "review_decision",
            "行政复议决定书",
            "decision",
            "《中华人民共和国行政复议法》第七十五条",
            _accepted,
            (
                "{{ case_number }}",
                "申请人：{{ applicants }}",
                "被申请人：{{ respondent }}",
                "申请人不服被申请人作出的{{ subject }}，于{{ received_o"
                "n }}向本机关申请行政复议，本机关于{{ accepted_on }}依法受理。"
                "本案现已审理终结。",
                "申请人请求：【请填写】",
                "申请人称：【请填写】",
                "被申请人称：【请填写】",
                "经审理查明：【请填写】",
                "本机关认为：【请填写】",
                "根据《中华人民共和国行政复议法》第【 】条的规定，本机关决定如下：【请填写】",
                "申请人如不服本决定，可以自收到本决定书之日起十五日内，依法向人民法院提起行政诉讼。",
            ),
        ),
        StandardDocument(
            "defence",
            "行政答辩状",
            "answer",
            "《中华人民共和国行政诉讼法》第六十七条",
            lambda case: True,
            (
                "{{ case_number }}",
                "答辩人：{{ respondent }}",
                "被答辩人（原告）：{{ applicants }}",
                "答辩人因被答辩人诉{{ subject }}一案，于{{ serv"
                "ed_on }}收到起诉状副本，现依据《中华人民共和国行政诉讼法》"
                "第六十七条的规定，提出答辩如下：",
                "一、被诉行政行为认定事实清楚，证据确实充分。【请填写】",
                "二、被诉行政行为适用法律、法规正确，程序合法。【请填写】",
                "综上，请求人民法院依法驳回原告的诉讼请求。",
                "此致",
                "{{ court }}",
                "附：证据目录及证据材料",
            ),
            signed_by="答辩人：{{ respondent }}",
            by_respondent=True,
        ),
        StandardDocument(
            "appearance_report",
            "行政机关负责人出庭应诉报备表",
            "other",
            "《中华人民共和国行政诉讼法》第三条第三款",
            lambda case: case["hearing_on"] is not None,
            (
                "案号：{{ case_number }}",
                "原告：{{ applicants }}",
                "被告：{{ respondent }}",
                "开庭时间：{{ hearing_on }}；审理法院：{{ court }}",
                "出庭负责人：{{ head_name }}（{{ head_title }}）",
                "不能出庭的理由：【如负责人不能出庭，请填写理由并附批准材料】",
            ),
            signed_by="报备单位：{{ respondent }}",
            by_respondent=True,
        ),
    )
}


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "【日期】"


def applicable(codes: tuple[str, ...], case: dict) -> list[str]:
    """The standard documents of ``codes`` (the kind's) the case's stage calls for."""
    return [code for code in codes if STANDARD_DOCUMENTS[code].applies(case)]


def context(case: dict, today: date, issuing_body: str) -> dict:
    """What the templates read, from the case's plain values: names as written, every date in Chinese form."""
    return {
        "case_number": case["number"],
        "kind": case["kind_term"],
        "applicants": "、".join(case["applicants"]) or "【申请人】",
        "respondent": case["respondent"],
        "subject": case["subject"] or "行政行为",
        "received_on": chinese_date(case["received_on"]),
        "accepted_on": chinese_date(case["accepted_on"]),
        "served_on": chinese_date(case["served_on"]),
        "correction_items": case["correction_items"] or "【补正事项】",
        "suspended_on": chinese_date(case["suspended_on"]),
        "resumed_on": chinese_date(case["resumed_on"]),
        "suspension_reason": case["suspension_reason"] or "【中止原因】",
        "suspension_basis": case["suspension_basis"] or "有关法律",
        "hearing_on": chinese_date(case["hearing_on"]),
        "court": case["court"] or "【人民法院】",
        "head_name": case["head_name"] or "【姓名】",
        "head_title": case["head_title"] or "【职务】",
        "issuing_body": issuing_body,
        "today": chinese_date(today),
    }


#: A case as the sample context is made of: what an administrator's replacement template is rendered with before
#: it is taken, so a placeholder the app does not fill is caught then, not on the day a notice is needed.
SAMPLE_CASE = {
    "number": "富政复〔2026〕1号",
    "kind_term": "行政复议",
    "applicants": ["王某某"],
    "respondent": "区市场监督管理局",
    "subject": "行政处罚决定",
    "received_on": date(2026, 3, 2),
    "accepted_on": date(2026, 3, 5),
    "served_on": date(2026, 3, 9),
    "correction_items": "申请人身份证明",
    "correction_notice_on": date(2026, 3, 3),
    "suspended_on": date(2026, 4, 1),
    "resumed_on": date(2026, 5, 6),
    "suspension_reason": "需要等待其他案件的审理结果",
    "suspension_basis": "《中华人民共和国行政复议法》第三十九条",
    "hearing_on": date(2026, 6, 1),
    "court": "杭州市富阳区人民法院",
    "head_name": "张某某",
    "head_title": "局长",
}

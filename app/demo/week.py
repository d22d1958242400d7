"""What the demo adds to the seed when it is set in today's week (``seed-demo`` without ``--as-published``).

The seed is one paper as at its board meeting. A lead's ordinary week, a few weeks before the next board, also
holds the previous board's paper, signed off; proposals the owners made with evidence, some decided and some
waiting; and actions falling due around today. None of it is in the seed; all of it is drawn from the seed's own
text. No Flask or SQLAlchemy here: app.services.demo turns these values into rows.

Dates are written in the seed's time (spring 2021) and move with every other seed date: ISO ``YYYY-MM-DD`` for a
day, ``Month YYYY`` for a month, ISO date-times for the previous paper's submission and sign-off. The exception is
``ACTIONS``: their due dates are days from the day the demo is loaded, because only dates counted from today put
milestones overdue and due soon whatever day that is (the seed's own dates are months, and a month counts as its
last day).

- ``PREVIOUS_REPORT``: the paper for the seed's earlier meeting (``meeting_date`` is a key into
  ``data.MEETINGS``): its header, ``submitted_at`` / ``signed_off_at``, and per-section ``narratives`` keyed by
  section number. Its RAG is the one computed when it is submitted.
- ``SECOND_WORKSTREAM``, ``SECOND_SECTIONS``, ``ACTIONS``: a second workstream of the programme, with the same
  people, whose milestones fall due around today; the seed's own workstream keeps exactly the paper's plan.
- ``PROPOSALS``: in the order they were made (the last made is the newest). ``decision`` is ``None`` (waiting),
  ``"approve"`` or ``"reject"``; the workstream's lead decides, or its sponsor when the lead proposed. An
  approved completion records the seed's own completion of that milestone (same date, same precision).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.demo import data


@dataclass(frozen=True, slots=True)
class Action:
    section: int
    reference: str
    milestone: str
    owner_email: str
    due_in_days: int  # negative: overdue when the demo is loaded
    comments: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class DemoProposal:
    reference: str
    kind: str  # "completion" | "date_change"
    proposer_email: str  # the milestone's owner
    note: str = ""
    completion_on: str | None = None
    new_due: str | None = None
    reason: str = ""
    files: tuple[EvidenceFile, ...] = ()
    links: str = ""
    decision: str | None = None
    decision_reason: str = ""


def _pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF showing ``lines`` (plain ASCII), with a correct cross-reference table."""
    text = "".join(f"({line}) Tj T* " for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 56 780 Td {text}ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


PREVIOUS_REPORT = {
    "meeting_date": "2021-02-15",
    "period_from": "November 2020",
    "period_to": "January 2021",
    "next_from": "January 2021",
    "next_to": "March 2021",
    "submitted_at": "2021-02-08T16:00:00",
    "signed_off_at": "2021-02-11T10:30:00",
    "completed_by": data.LEAD,
    "introduction": data.REPORT["introduction"],
    "reason_for_rag": (
        "The action plan has been agreed with Children's Services and the first dashboards are in use. Three risks "
        "are open at amber: the status of the report on the 13 improvement areas, analyst resourcing and the "
        "quarterly complaints reports."
    ),
    "narratives": {
        1: (
            "- Status of report on 13 improvement areas unknown.",
            "- Meeting to be arranged to obtain status of report on 13 improvement areas.",
            "- Early Help Monitoring Officer episodes closed and TFAM badges reviewed in EHM.",
            "- Report to track young people presenting as homeless to be produced.",
        ),
        2: (
            "None identified.",
            "N/A",
            "- Education Scorecard deployed. Business case for resolving technical reporting issues produced.",
            "- Annual review/challenge process and training offer to be agreed with Children's Services.",
        ),
        3: (
            "None identified.",
            "N/A",
            "- Daily KPI, Workforce and MASH Front Door dashboards in development.",
            "- Legal, Caseload and Audit dashboards to be delivered by March 2021.",
        ),
        4: (
            "- Loss of Performance analysts could delay progress on certain actions.",
            "- Prioritisation of actions, based on the urgency for their completion.",
            "- Deep dives completed on children missing from home and care, domestic abuse and repeat referrals.",
            "- Homelessness and education deep dives to be undertaken.",
        ),
        5: (
            "None identified.",
            "N/A",
            "- Monthly audits of LCS user access logs and denied requests under way.",
            "- Declaration of interest form to be developed with IT.",
        ),
        6: (
            "None identified.",
            "N/A",
            "- Performance Management training sessions delivered to Children's Services.",
            "- GDPR and management report training to be given during Practice Week in February 2021.",
        ),
        7: (
            "None identified.",
            "N/A",
            "- Log of data quality issues being set up.",
            "- Findings from the Mazars Data Quality Audit to be considered.",
        ),
        8: (
            "- Quarterly reports are not being received regularly.",
            "- Action to be raised with Business Intelligence Service Manager.",
            "- Children's Services feedback form for families developed.",
            "- Quarterly reports on the learning of complaints to be received.",
        ),
    },
}

# A second workstream of the same programme, led by the same lead, holds the actions falling due around today, so
# that the seed's own workstream keeps exactly the paper's plan (every date moved by whole months, nothing added).
SECOND_WORKSTREAM = {"name": "Practice Improvement", "title": "Practice Improvement – Progress Report"}
SECOND_SECTIONS: tuple[tuple[int, str], ...] = (
    (1, "Front door and improvement areas"),
    (2, "Learning from practice"),
    (3, "Information governance and dashboards"),
)

ACTIONS: tuple[Action, ...] = (
    Action(
        section=1,
        reference="1.1",
        milestone="Meet the improvement lead to obtain the status of the report on the 13 improvement areas",
        owner_email=data.OWNER,
        due_in_days=-6,
        comments="Meeting requested; no date agreed yet.",
    ),
    Action(
        section=1,
        reference="1.2",
        milestone="Set up the meeting to decide whether the MASH process should be reviewed",
        owner_email=data.LEAD,
        due_in_days=2,
    ),
    Action(
        section=2,
        reference="2.1",
        milestone="Raise the quarterly reports on the learning of complaints with the Business Intelligence "
        "Service Manager",
        owner_email=data.OWNER2,
        due_in_days=-3,
        comments="Reports are still not being received regularly.",
    ),
    Action(
        section=2,
        reference="2.2",
        milestone="Review the future role of the formalised training offer sessions",
        owner_email=data.OWNER,
        due_in_days=5,
    ),
    Action(
        section=2,
        reference="2.3",
        milestone="Present the elective education deep dive to the Service Director for Education for sign-off",
        owner_email=data.OWNER2,
        due_in_days=8,
    ),
    Action(
        section=3,
        reference="3.1",
        milestone="Send the declaration of interest form to the IG Board for approval",
        owner_email=data.OWNER,
        due_in_days=11,
    ),
    Action(
        section=3,
        reference="3.2",
        milestone="Gather Children's Services' feedback on the dashboards now in use",
        owner_email=data.OWNER,
        due_in_days=13,
    ),
    Action(
        section=1,
        reference="1.3",
        milestone="Report the front door's contact-to-referral conversion rate to the improvement board",
        owner_email=data.OWNER2,
        due_in_days=35,
    ),
    Action(
        section=2,
        reference="2.4",
        milestone="Publish the quarter's summary of learning from complaints",
        owner_email=data.OWNER2,
        due_in_days=49,
    ),
    Action(
        section=3,
        reference="3.3",
        milestone="Complete the annual review of LCS user access permissions",
        owner_email=data.OWNER,
        due_in_days=63,
    ),
)

PROPOSALS: tuple[DemoProposal, ...] = (
    DemoProposal(
        reference="1.5",
        kind="completion",
        proposer_email=data.OWNER,
        completion_on="February 2021",
        note="The KPI is live in the Daily KPI dashboard; its definition is attached.",
        files=(
            EvidenceFile(
                "kpi-children-seen-in-assessment.pdf",
                _pdf(
                    (
                        "KPI definition: children and young people seen during a Single Assessment",
                        "Counts children seen during, and within the first 5 days of, a Single Assessment.",
                        "Source: LCS assessment visits. Refreshed daily in the Daily KPI dashboard.",
                    )
                ),
            ),
        ),
        decision="approve",
    ),
    DemoProposal(
        reference="4.14",
        kind="completion",
        proposer_email=data.OWNER2,
        completion_on="February 2021",
        note="ICPCs are now held within 15 days of the strategy discussion; the monthly check is linked.",
        links="https://intranet.example.org/performance/icpc-timeliness",
        decision="approve",
    ),
    DemoProposal(
        reference="2.8",
        kind="completion",
        proposer_email=data.OWNER,
        completion_on="2021-03-01",
        note="Training offer agreed with Children's Services; the schedule is attached.",
        files=(
            EvidenceFile(
                "training-offer-schedule.txt",
                b"Performance training offer for managers\n"
                b"New managers: dashboard induction in their first month\n"
                b"All managers: quarterly refresher on the Daily KPI dashboard\n",
            ),
        ),
        decision="reject",
        decision_reason="The review of the training offer sessions has not happened yet: propose completion once "
        "it has, with its outcome.",
    ),
    DemoProposal(
        reference="4.8",
        kind="completion",
        proposer_email=data.OWNER2,
        completion_on="2021-03-03",
        note="Elective education deep dive report sent to the Service Director for Education.",
        links="https://intranet.example.org/performance/deep-dives/elective-education",
        decision="reject",
        decision_reason="The Service Director for Education has not signed the deep dive off yet: add the sign-off "
        "when it arrives.",
    ),
    DemoProposal(
        reference="2.9",
        kind="date_change",
        proposer_email=data.OWNER2,
        new_due="June 2021",
        reason="The log shows far more ad-hoc requests than expected; the process needs agreeing with each "
        "service area.",
        note="Log of requests so far is on the team site.",
    ),
    DemoProposal(
        reference="8.1",
        kind="date_change",
        proposer_email=data.LEAD,
        new_due="June 2021",
        reason="Quarterly reports are still not being received regularly; raised with the Business Intelligence "
        "Service Manager.",
    ),
    DemoProposal(
        reference="5.3",
        kind="completion",
        proposer_email=data.OWNER,
        completion_on="2021-03-02",
        note="Digital Services agreed the Firm Step form; new LCS users now sign the declaration of interest.",
        links="https://intranet.example.org/forms/declaration-of-interest",
    ),
    DemoProposal(
        reference="1.6",
        kind="completion",
        proposer_email=data.OWNER,
        completion_on="2021-03-02",
        note="The report is in the Performance and Accountability pack; a sample run is attached.",
        files=(
            EvidenceFile(
                "homeless-contacts-sample.txt",
                b"Young people presenting as homeless: contact within 24 hours (sample run)\n"
                b"Presented: 14  Contacted within 24 hours: 13  Contacted later: 1\n",
            ),
        ),
    ),
)

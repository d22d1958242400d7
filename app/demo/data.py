"""The seed report as plain Python data: the demo's programme, workstream, people, plan, narrative and risks.

Transcribed from "Appendix D" (seed/000_ae87538ac01dc728.txt), the Business Intelligence progress report to the
Children's Improvement Board of 19 April 2021. People and the council are fictional; place names stay as in the seed.
No Flask or SQLAlchemy here: a loader turns these values into database rows.

Shape (all module-level constants):

- ``PROGRAMME``: dict ``name``, ``council``.
- ``WORKSTREAM``: dict ``name``, ``title``, ``lead`` (email), ``sponsor`` (email).
- ``PEOPLE``: dict email -> ``Person(name, role)``; role is ``"admin"`` (the global admin flag, no membership) or a
  workstream role of ``WORKSTREAM``: ``"lead" | "owner" | "sponsor" | "viewer"``.
- ``MEETINGS``: tuple of ``Meeting(name, date)``; ``date`` is ISO ``YYYY-MM-DD``. Only the last one has a report.
- ``REPORT``: dict of the 19 April 2021 report's header: ``meeting_date`` (ISO, a key into ``MEETINGS``),
  ``previous_rag`` (None = "N/A"), ``reported_rag`` (``"red" | "amber" | "green"``), ``reason_for_rag``,
  ``completed_by`` (email), ``introduction``, ``period_from``, ``period_to``, ``next_from``, ``next_to``.
- ``SECTIONS``: tuple of ``Section(number, title, barriers, action_required, progress, next_activity)``. Narrative
  fields are either one plain sentence ("None identified.", "N/A") or bullet lines, each starting "- ", joined by
  "\\n"; "" means the seed left the box blank.
- ``MILESTONES``: tuple of ``Milestone`` in seed order; fields match ``import-plan`` columns (``section`` is a
  ``Section.number``) plus ``removed_reason``. A milestone with ``completed_on`` is complete (import it as an
  approved completion); one with ``removed_reason`` is removed; any other is open.
- ``RISKS``: tuple of ``Risk`` (``reference`` is the seed's name for the risk; ``risk`` is its title).
- ``RISK_GUIDANCE``: dict ``(impact, likelihood)`` -> the seed's scoring-guidance cell text.
- ``RED_RISK_NOTE``: the seed's closing paragraph about red risks.

Plan dates are "Month YYYY" strings (month precision: a month counts as its last day); ``None`` means blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import risk as _risk


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str  # "admin" | "lead" | "owner" | "sponsor" | "viewer"


@dataclass(frozen=True, slots=True)
class Meeting:
    name: str
    date: str  # ISO YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    title: str
    barriers: str
    action_required: str
    progress: str
    next_activity: str


@dataclass(frozen=True, slots=True)
class Milestone:
    section: int
    reference: str
    milestone: str
    owner_email: str
    due: str
    revised_due: str | None = None
    completed_on: str | None = None
    removed_reason: str | None = None
    comments: str = ""


@dataclass(frozen=True, slots=True)
class Risk:
    reference: str
    risk: str
    description: str
    likelihood: str  # "Low" | "Medium" | "High"
    impact: str  # "Noticeable" | "Significant" | "Critical"
    mitigation: str
    mitigation_date: str
    owner_email: str
    open: bool = True


ADMIN = "admin@example.org"
LEAD = "lead@example.org"
OWNER = "owner@example.org"
OWNER2 = "owner2@example.org"
SPONSOR = "sponsor@example.org"
VIEWER = "viewer@example.org"

PROGRAMME = {
    "name": "Children's Services Improvement Programme",
    "council": "Example Borough Council",
}

WORKSTREAM = {
    "name": "Business Intelligence",
    "title": "Business Intelligence – Progress Report on support to Children's Services Improvement Programme",
    "lead": LEAD,
    "sponsor": SPONSOR,
}

PEOPLE: dict[str, Person] = {
    ADMIN: Person(name="Alex Admin", role="admin"),
    LEAD: Person(name="Priya Shah", role="lead"),
    OWNER: Person(name="Sam Taylor", role="owner"),
    OWNER2: Person(name="Jordan Reid", role="owner"),
    SPONSOR: Person(name="Morgan Hale", role="sponsor"),
    VIEWER: Person(name="Casey Brooks", role="viewer"),
}

MEETINGS: tuple[Meeting, ...] = (
    Meeting(name="Children's Improvement Board", date="2021-02-15"),
    Meeting(name="Children's Improvement Board", date="2021-04-19"),
)

REPORT = {
    "meeting_date": "2021-04-19",
    "previous_rag": None,
    "reported_rag": "amber",
    "reason_for_rag": (
        "Significant progress made on actions since the previous Children's Improvement Board, held on 15.2.21. "
        "Risks identified have potential to undermine deadlines of several actions if unaddressed. "
        "However mitigation has been identified and will be implemented to maintain progress."
    ),
    "completed_by": LEAD,
    "introduction": (
        "This report covers the business intelligence work being carried out to support the Children's improvement "
        "plans, focused around the pillars. An action plan has been produced to record the areas of focus to enhance "
        "and streamline the support to Children's Services, in line with their improvement plan, along with other "
        "areas of work like dashboard development."
    ),
    "period_from": "January 2021",
    "period_to": "March 2021",
    "next_from": "March 2021",
    "next_to": "June 2021",
}

# Fictional stand-ins for the people the seed names inside its text.
_IMPROVEMENT_LEAD = "Robin Parker"  # holds the report on the 13 improvement areas
_DELIVERY_PLAN_MANAGER = "Dana Elliott"  # manages the Improvement Programme Delivery Plan
_EDUCATION_DIRECTOR = "Jamie Whitworth"  # Service Director for Education

SECTIONS: tuple[Section, ...] = (
    Section(
        number=1,
        title="Responding to OFSTED Feedback",
        barriers="- Status of report on 13 improvement areas unknown.",
        action_required=f"- Meeting required with {_IMPROVEMENT_LEAD} to obtain status of report on 13 improvement areas.",
        progress="\n".join(
            (
                "- BI PAM Reporting - Performance and Accountability reports are tracking young people presenting as homeless to ensure they are contacted within 24 hours. Methodology has been agreed and reports are continually produced.",
                "- BI reporting on homelessness - CYP Homelessness panel is up and running. The first panel meeting took place on the 19.1.2021. All 16 and 17 year olds will be tracked at panel by the homeless officer. BI now able to report on this.",
                "- BI MASH reporting - Amendments have been drafted for MASH triaging officer questions.",
                "- QLIK dashboards - Workforce, Daily KPI, Legal and Audit completed.",
            )
        ),
        next_activity="\n".join(
            (
                "- Remodelling of MASH triaging officer questions has been conducted and is to be implemented by IT. Currently awaiting reply to confirm amendments made.",
                "- Performance Team to consider whether the MASH process should be reviewed. Meeting to be set up in order to conduct review, with the action to be re-worded if necessary.",
                "- IT task - field to be added in the Liquid Logic (LCS) form in order to help track young people presenting as homeless. Action will be closed once received.",
                "- Outcomes Framework to support the standalone report on the 13 improvement areas is ongoing. Actions needed to complete the report to be confirmed.",
            )
        ),
    ),
    Section(
        number=2,
        title="Partners in Practice Recommendations",
        barriers="None identified.",
        action_required="N/A",
        progress="\n".join(
            (
                "- Children's Services QAP meetings are no longer taking place. PaM meetings judged as functioning effectively in delivering what is required.",
                "- Annual review/challenge process agreed by Social Care Review and Challenge process completed for Social Care.",
                "- Performance Team have investigated options for newsletter, based on those produced by Children's Services.",
                "- Trial sessions for formalised training offer to Children's Services were completed w/c 22nd February. Attendance across sessions was sporadic.",
                "- A process for ad-hoc data requests with realistic timescales has been agreed with Children's Services. Requests are being logged.",
                "- An action relating to the review of all data held outside of LCS has been removed. It has been judged that this is a project that will require its own project team and monitoring.",
            )
        ),
        next_activity="\n".join(
            (
                "- Service Directors from Children's Services to meet with the Performance Team to determine the 5-10 KPIs that will be prioritised.",
                "- Participation in Service Level Performance reports to be discussed by BI with Service Directors in Children, Families and Education.",
                "- Performance newsletter to be published in April 2021 alongside latest quarter to communicate key performance messages and priorities.",
                "- Following delivery of formalised training offer sessions in February 2021, their future role will be reviewed by BI. Once undertaken, the action will be marked as completed. A new action could be created based on the findings of the review, regarding future deliverables in the training offer.",
            )
        ),
    ),
    Section(
        number=3,
        title="QLIK",
        barriers="None identified.",
        action_required="N/A",
        progress="\n".join(
            (
                "- Dashboards produced are being developed and used. Daily KPI Dashboard, Workforce Dashboard, MASH Front Door, Caseload, Corporate Parenting and Safeguarding are now in use.",
                "- Delivery of the next QLIK Dashboards - Legal and Audit - completed this month.",
            )
        ),
        next_activity="\n".join(
            (
                "- Dashboards will be continually developed in line with feedback received by Children's Services.",
                "- Due next month are Safeguarding, Edge of Care, Corporate Parenting, Scorecard, CHat and officer performance.",
                "- Focus over the next month will be on encouraging Children's Services to participate in training and embed the dashboards in their usage, along with making any changes requested to them.",
                "- There is a risk that officers start using the dashboards differently, resulting in different reporting.",
            )
        ),
    ),
    Section(
        number=4,
        title="Insight and Analysis",
        barriers="- Loss of Performance analysts could delay progress on certain actions.",
        action_required="- Prioritisation of actions, based on the urgency for their completion.",
        progress="\n".join(
            (
                "- BI have developed a list of deep dives and are considering them in relation to other priorities.",
                "- Logs of all deep dives are being recorded and maintained by BI to track performance.",
                "- Deep dives to understand the impact of COVID-19 on Children's Services are being undertaken, and COVID-19 has been incorporated within all deep dives by BI.",
                "- Catalogue of analysis reports has been compiled by BI to support Children's Services.",
                "- As part of the Homelessness deep dive, meetings have been held with Performance Analysts regarding young people aged 16+ presenting as homeless.",
                "- Presentation on the deep dive into educational outcomes and attendance given at the Performance and Accountability meeting.",
                "- Performance Analysts to support development of the Education Dashboard.",
                "- Report completed on Elective Education deep dive by one of BI's Performance Analysts. Awaiting feedback and sign off from Service Director for Education.",
                "- BI are ensuring that ICPCs are now being held within 15 days of the strategy discussion.",
            )
        ),
        next_activity="\n".join(
            (
                "- Continue to improve the log of deep dives, with further deep dives to be identified.",
                "- Data and analysis for the Homelessness deep dive to be undertaken to bring about completion of the action.",
                "- Sign off on Elective Education deep dive.",
                "- Deep dive of factors resulting in poorer educational outcomes and attendance to be completed at the end of March 2021.",
                "- Virtual School deep dive to be completed upon completion of the educational outcomes and attendance deep dive.",
            )
        ),
    ),
    Section(
        number=5,
        title="Children's Services Audit – IT audits",
        barriers="None identified.",
        action_required="N/A",
        progress="\n".join(
            (
                "- BI are nearing completion of audit tasks in Children's Services to support Service Managers.",
                "- Inbuilt report created in LCS for Audit of denied requests.",
                "- Work has begun on a declaration of interest form by IT. The link to the form will be sent out to IG Board to be approved and reviewed on an annual basis.",
                "- A requirement for a Firm Step Form has been identified. Digital Services agreement is necessary to secure this.",
            )
        ),
        next_activity="\n".join(
            (
                "- Audit tasks to be handed over to Children's Services so that service managers can audit their own LCS usage.",
                "- Declaration of interest form to be completed.",
                "- Audits of LCS user access logs and denied requests to continue every month.",
            )
        ),
    ),
    Section(
        number=6,
        title="Training and Development",
        barriers="None identified.",
        action_required="N/A",
        progress="\n".join(
            (
                "- Children's Services Practice Week in February 2021 involved a session conducted by the BI team, which provided training on GDPR prior to LCS usage and management reports.",
                "- Group training for admin to cover management reports has been undertaken by the BI team.",
            )
        ),
        next_activity="\n".join(
            (
                "- BI analysts to develop the skills to use analytical tools, with the correct permissions to be obtained from Civica.",
                "- Performance Team will seek to gain access to training material that others have been using within the council.",
                "- The review will determine whether further actions are required.",
            )
        ),
    ),
    Section(
        number=7,
        title="Children's Services Data Quality",
        barriers="None identified.",
        action_required="N/A",
        progress="\n".join(
            (
                "- A log of Children's Services data quality issues impacting on performance has been created and is being maintained.",
                "- Findings from Mazars Data Quality Audit, conducted for Children's Services, have been reviewed. Actions which will supplement the BI Transformation Plan will be identified and incorporated within the workstream.",
            )
        ),
        next_activity="- Log of data quality issues in Children's Services will be continued and reviewed, to identify any improvements required.",
    ),
    Section(
        number=8,
        title="Feedback",
        barriers="- Quarterly reports are not being received regularly.",
        action_required="- Action to be raised with Business Intelligence Service Manager.",
        progress="",
        next_activity="- Quarterly reports on the learning of complaints in Children's Services to be received.",
    ),
)

_ON_TIME = "Action completed on time."
_UNDER_DEVELOPMENT = "Currently under development."
_ON_TRACK = "On track for completion by due date."
_UNDERWAY = "Work is underway."

MILESTONES: tuple[Milestone, ...] = (
    # 1. Responding to OFSTED Feedback
    Milestone(
        section=1,
        reference="1.1",
        milestone=f"Complete all actions contained in the Children's Improvement Programme Delivery Plan allocated to BI in line with timescales set (plan is being managed by {_DELIVERY_PLAN_MANAGER})",
        owner_email=LEAD,
        due="March 2023",
        revised_due="March 2023",
        comments="Due date: March 2023 (Completion of the Improvement Programme). Action is ongoing. Measures to be linked with actions in Transformation Plan where applicable.",
    ),
    Milestone(
        section=1,
        reference="1.2",
        milestone="Close Early Help Monitoring Officer episodes from Early Help Module (EHM) - role is no longer continuing",
        owner_email=OWNER2,
        due="November 2020",
        completed_on="November 2020",
        comments=_ON_TIME,
    ),
    Milestone(
        section=1,
        reference="1.3",
        milestone="Review TFAM (Troubled families or also known as Stronger Families) badges in EHM and remove where appropriate to avoid confusion to other departments",
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=1,
        reference="1.4",
        milestone="In collaboration with IT - Consider re-wording MASH triaging officer questions in LCS to be alignment to social worker approach to reduce / eliminate inconsistency in decision-making and Ensure the MASH process is explicit in evidencing decisions in LCS",
        owner_email=OWNER,
        due="February 2021",
        revised_due="April 2021",
        comments="Re-mapping of the MASH process required by the MASH team to complete the action. BI have requested that the MASH team re-worded questions and the re-mapped process.",
    ),
    Milestone(
        section=1,
        reference="1.5",
        milestone="Introduce new KPI that measures the number of children and young people seen during and within the first 5 days of a Single Assessment",
        owner_email=OWNER,
        due="February 2021",
        completed_on="February 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=1,
        reference="1.6",
        milestone="Produce report so Children's Services can track young people who present as homeless to ensure they are contacted within 24 hours.",
        owner_email=OWNER,
        due="March 2021",
        revised_due="April 2021",
        comments="Awaiting evidence of completion before the action can be recorded as complete.",
    ),
    Milestone(
        section=1,
        reference="1.7",
        milestone="Provide managers with accurate, real-time data to support the recruitment and retention of social workers - Workforce (phase 3), Daily KPI, Legal and Audit completed in month, safeguarding and corporate parenting due next.",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments="Action completed on time. Overlaps with the Workforce Development plan.",
    ),
    Milestone(
        section=1,
        reference="1.8",
        milestone='Support production of a new standalone report according to the 13 improvement areas - this will be covered under the wider report of "Priority Improvement Areas" reporting',
        owner_email=LEAD,
        due="February 2021",
        revised_due="April 2021",
        comments=f"Outcomes Framework to support the report is ongoing. Meeting required with {_IMPROVEMENT_LEAD} to obtain status of report before it can be marked as complete.",
    ),
    # 2. Partners in Practice Recommendations
    Milestone(
        section=2,
        reference="2.1",
        milestone="Children's Services to put forward a smaller set of approximately 5-10 Children's Services KPIs based around the current priorities for the next 12-18 months, with clear stretch targets and should be reviewed monthly, for BI to report on. Individual Childrens Services team to separately develop their own set of KPIs with clear stretch targets.",
        owner_email=LEAD,
        due="March 2021",
        revised_due="June 2021",
        comments="Preparations for impending OFSTED visit have meant it has been difficult to receive KPIs. To be considered later in the year.",
    ),
    Milestone(
        section=2,
        reference="2.2",
        milestone="Development and deployment of an Education Scorecard; a single point of reference for all KPIs to inform every strategy, plan and policy",
        owner_email=OWNER2,
        due="December 2020",
        completed_on="December 2020",
        comments=_ON_TIME,
    ),
    Milestone(
        section=2,
        reference="2.3",
        milestone="BI will agree an annual review/challenge process with all key stakeholder should be diarised to ensure these are the right indicators/targets and to assess long term progress.",
        owner_email=LEAD,
        due="April 2021",
        completed_on="April 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=2,
        reference="2.4",
        milestone="BI will agree a more standardised approach to service level reporting at PaM meetings ensuring they include exception reporting of areas of concern from the service level KPIs and their impact on the CS wide priority KPIs. A workshop should take place to agree the best way to carry this out.",
        owner_email=LEAD,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=2,
        reference="2.5",
        milestone="Service Level Performance reports to be shared with Performance Team in advance of submission for feedback on areas of concern.",
        owner_email=OWNER2,
        due="March 2021",
        completed_on="March 2021",
        comments="Consistent reporting over a three month period will be a measure for success. Measure has been achieved so the action is recorded as complete.",
    ),
    Milestone(
        section=2,
        reference="2.6",
        milestone="Support the review of the role and function of PaM and QAP meetings to ensure they deliver what is required and have the correct membership to affect change.",
        owner_email=LEAD,
        due="February 2021",
        completed_on="February 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=2,
        reference="2.7",
        milestone="To support Children's Services Senior leadership team to improve performance, BI to produce a quarterly performance newsletter so Children's Services can communicate key performance messages and priorities in an easily digestible and visual way for all staff.",
        owner_email=OWNER,
        due="February 2021",
        revised_due="April 2021",
        comments="Deadline moved as publication in April 2021 will coincide the conclusion of a quarter. Action will be ongoing once the first newsletter is distributed, with the deadline for each newsletter to be set at the end of each quarter.",
    ),
    Milestone(
        section=2,
        reference="2.8",
        milestone="Agree a formalised training offer around performance for new and existing managers including process to be agreed for informing Performance Team of new starters. Set out minimum training schedule for newly developed resources like dashboard.",
        owner_email=OWNER,
        due="March 2021",
        revised_due="April 2021",
        comments="Action to be completed. Outcome of future training offer review will determine any further actions that are required.",
    ),
    Milestone(
        section=2,
        reference="2.9",
        milestone="Agree a process for ad-hoc data requests with realistic timescales with Children's Services. A log to be kept of most frequent requests to see if other solutions can be developed.",
        owner_email=OWNER2,
        due="February 2021",
        revised_due="May 2021",
        comments="Log started, revealing large volume of requests, will now agree a process for managing these.",
    ),
    Milestone(
        section=2,
        reference="2.11",
        milestone="Produce a business case to identify what additional resource would be required to resolve all current technical issues with reporting and the impact of not doing this.",
        owner_email=LEAD,
        due="January 2021",
        completed_on="November 2020",
        comments=_ON_TIME,
    ),
    Milestone(
        section=2,
        reference="2.12",
        milestone="Agree and share clear timescales agreed for the delivery of the Qlik Dashboard and outlining what external factors may cause delay and how to mitigate. A project group including Children's Services senior management to oversee this. The Dashboard should allow teams to see focussed information relating to their performance and run off child level lists specific to their team's performance in that area.",
        owner_email=LEAD,
        due="April 2021",
        revised_due="January 2021",
        removed_reason="Action removed as it is already being undertaken by BI and not in need of improvement.",
        comments="Action removed as it is already being undertaken by BI and not in need of improvement.",
    ),
    # 3. QLIK
    Milestone(
        section=3,
        reference="3.1",
        milestone="Develop a development process for dashboards",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_ON_TRACK,
    ),
    Milestone(
        section=3,
        reference="3.2",
        milestone="Develop a feedback process for QLIK dashboards",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_ON_TRACK,
    ),
    Milestone(
        section=3,
        reference="3.3",
        milestone="Development of Daily KPI Dashboard",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments="Completed. Further work may be required as this is a large dashboard that may need breaking down into smaller ones.",
    ),
    Milestone(
        section=3,
        reference="3.4",
        milestone="Development of MASH Front Door dashboard report",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=3,
        reference="3.5",
        milestone="Development of Workforce Dashboard",
        owner_email=OWNER2,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=3,
        reference="3.6",
        milestone="Legal Dashboard",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=3,
        reference="3.7",
        milestone="Caseload Dashboard",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=3,
        reference="3.10",
        milestone="Scorecards",
        owner_email=OWNER,
        due="May 2021",
        revised_due="May 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.11",
        milestone="Safeguarding",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.12",
        milestone="Edge of Care",
        owner_email=OWNER2,
        due="May 2021",
        revised_due="May 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.13",
        milestone="Corporate Parenting",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.14",
        milestone="CHat",
        owner_email=OWNER2,
        due="May 2021",
        revised_due="May 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.15",
        milestone="Team performance",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_UNDER_DEVELOPMENT,
    ),
    Milestone(
        section=3,
        reference="3.16",
        milestone="Embedding self-service reporting",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_UNDERWAY,
    ),
    Milestone(
        section=3,
        reference="3.17",
        milestone="Training for new dashboards",
        owner_email=OWNER,
        due="April 2021",
        revised_due="April 2021",
        comments=_UNDERWAY,
    ),
    # 4. Insight and Analysis
    Milestone(
        section=4,
        reference="4.1",
        milestone="A log of all deep dives to be kept by BI, to enable tracking of performance and show improvements",
        owner_email=LEAD,
        due="February 2021",
        completed_on="February 2021",
        comments="Log has been completed. Action is continuous.",
    ),
    Milestone(
        section=4,
        reference="4.2",
        milestone="Children missing from home and care",
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=4,
        reference="4.3",
        milestone="BI to undertake a broader analysis seeking to understand the current impact of domestic abuse on children and families in Luton",
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=4,
        reference="4.4",
        milestone='"Revolving Door Analysis" into referrals and repeats into the MASH / social care',
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=4,
        reference="4.5",
        milestone="Children seen at assessment",
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=4,
        reference="4.6",
        milestone="Homelessness Deep dive and analysis",
        owner_email=OWNER,
        due="March 2021",
        revised_due="April 2021",
        comments="Loss of a performance analyst has impacted progress due to loss of support in completing this action. Delivery date revised to April 2021.",
    ),
    Milestone(
        section=4,
        reference="4.7",
        milestone="Deep dive, requested by Service Director for Education, of: factors resulting in poorer educational outcomes for vulnerable groups such as those with EHCP, those excluded and those in need of care and protection; and attendance",
        owner_email=OWNER2,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=4,
        reference="4.8",
        milestone="Deep dive, requested by Service Director for Education, of elective education",
        owner_email=OWNER2,
        due="March 2021",
        revised_due="April 2021",
        comments=f"Awaiting sign off from {_EDUCATION_DIRECTOR}, who was on leave in March 2021. Deadline adjusted to account for leave taken.",
    ),
    Milestone(
        section=4,
        reference="4.9",
        milestone="Deep dive, requested by Service Director for Education, of virtual school",
        owner_email=OWNER2,
        due="April 2021",
        revised_due="April 2021",
        comments="Completion of action 4.7 on time means the virtual school deep dive remains on track.",
    ),
    Milestone(
        section=4,
        reference="4.10",
        milestone="Deep dive to understand the demand on Children's Services during Covid-19",
        owner_email=OWNER2,
        due="February 2021",
        completed_on="February 2021",
        comments="Deep dives on the impact of COVID-19 are being conducted. These will continue throughout and immediately after the pandemic.",
    ),
    Milestone(
        section=4,
        reference="4.12",
        milestone="Develop a catalogue of analysis reports",
        owner_email=OWNER2,
        due="January 2021",
        completed_on="January 2021",
        comments="Action Completed",
    ),
    Milestone(
        section=4,
        reference="4.13",
        milestone="Exploitation analysis-with Pan Beds, Police",
        owner_email=OWNER,
        due="June 2021",
        revised_due="June 2021",
        comments="The exploitation report is on track to be completed prior to for next Highlight Report.",
    ),
    Milestone(
        section=4,
        reference="4.14",
        milestone="ICPCs held within 15 days of the strategy discussion",
        owner_email=OWNER2,
        due="February 2021",
        completed_on="February 2021",
        comments="Action Completed",
    ),
    # 5. Children's Services Audit – IT audits
    Milestone(
        section=5,
        reference="5.1",
        milestone="Audit user access logs for LCS for 30 members of staff per month",
        owner_email=OWNER,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=5,
        reference="5.2",
        milestone="Audit denied requests for secure access files every month",
        owner_email=OWNER2,
        due="March 2021",
        completed_on="March 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=5,
        reference="5.3",
        milestone="Implement a declaration of interest form, developed by IT for Children's Services users to sign when they first gain access to LCS and to be retrospectively completed for current users during supervision",
        owner_email=OWNER,
        due="February 2021",
        revised_due="April 2021",
        comments="Agreement from Digital Services concerning Firm Step Form required. Evidence required before action can be recorded as complete. Completion date revised to reflect when the evidence is due to be received.",
    ),
    # 6. Training and Development
    Milestone(
        section=6,
        reference="6.2",
        milestone="BI to complete mandatory GDPR training of all staff prior to LCS usage",
        owner_email=OWNER2,
        due="February 2021",
        completed_on="February 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=6,
        reference="6.3",
        milestone="BI to develop and undertake group training for admin to cover management reports and what to look out for in their team and use of excel",
        owner_email=OWNER2,
        due="February 2021",
        completed_on="February 2021",
        comments=_ON_TIME,
    ),
    Milestone(
        section=6,
        reference="6.4",
        milestone="IT to incorporate performance information, GDPR and other training material and instruction within new staff enrolment and induction processes",
        owner_email=OWNER,
        due="June 2021",
        revised_due="October 2021",
        comments="Action has been adjusted to being 'Long Term', requiring an altered deadline, due to the length time expected to upload material onto the intranet.",
    ),
    Milestone(
        section=6,
        reference="6.5",
        milestone="BI analysts to take up and complete newly created Data Scientist qualification which is tailored to the needs of children's social care data and performance frameworks",
        owner_email=LEAD,
        due="March 2021",
        completed_on="March 2021",
        comments="Action completed on time, with 3 officers due to start their qualification.",
    ),
    Milestone(
        # The PDF lost this row's milestone text and due date; reconstructed from section 6's narrative.
        section=6,
        reference="6.6",
        milestone="BI analysts to develop their skills in analytical tools and undertake relevant qualifications",
        owner_email=OWNER2,
        due="October 2021",
        comments="BI analysts are seeking opportunities to develop their skills. Action may be adjusted to include specific qualifications and skills that will be undertaken.",
    ),
    Milestone(
        section=6,
        reference="6.8",
        milestone="BI team to develop and undertake Performance Management training sessions specifically aimed at Children's Services",
        owner_email=OWNER2,
        due="December 2020",
        completed_on="December 2020",
        comments="Action Completed. Progress to be monitored.",
    ),
    # 7. Children's Services Data Quality
    Milestone(
        # The PDF lost this row's reference and milestone text; reconstructed from section 7's progress.
        section=7,
        reference="7.1",
        milestone="Create and maintain a log of Children's Services data quality issues impacting on performance",
        owner_email=OWNER2,
        due="February 2021",
        completed_on="February 2021",
        comments="Log has been completed and is being updated.",
    ),
    Milestone(
        section=7,
        reference="7.2",
        milestone="Consider findings from Mazars Data Quality Audit",
        owner_email=LEAD,
        due="March 2021",
        completed_on="March 2021",
        comments="Action Completed",
    ),
    # 8. Feedback
    Milestone(
        section=8,
        reference="8.1",
        milestone="Quarterly reports on the learning of complaints in Children's Services",
        owner_email=LEAD,
        due="February 2021",
        revised_due="April 2021",
        comments="Reports are not being received regularly.",
    ),
    Milestone(
        section=8,
        reference="8.2",
        milestone="Develop a Children's Services feedback form to be sent to families post-intervention",
        owner_email=OWNER,
        due="January 2021",
        completed_on="January 2021",
        comments="Action completed",
    ),
)

RISKS: tuple[Risk, ...] = (
    Risk(
        reference="Report on 13 improvement areas",
        risk="Status of report on 13 improvement areas unknown.",
        description="The status of the report on the 13 improvement areas is unknown, so actions that depend on it (1.8) may not be completed on time.",
        likelihood="Medium",
        impact="Significant",
        mitigation=f"Meeting required with {_IMPROVEMENT_LEAD} to obtain status of report on 13 improvement areas.",
        mitigation_date="April 2021",
        owner_email=LEAD,
    ),
    Risk(
        reference="Resourcing",
        risk="Loss of Performance analysts could delay progress on certain actions.",
        description="Loss of Performance analysts could delay progress on certain actions, such as the Homelessness deep dive (4.6).",
        likelihood="High",
        impact="Noticeable",
        mitigation="Prioritisation of actions, based on the urgency for their completion.",
        mitigation_date="April 2021",
        owner_email=LEAD,
    ),
    Risk(
        reference="Quarterly Reports",
        risk="Quarterly reports are not being received regularly.",
        description="Quarterly reports on the learning of complaints in Children's Services are not being received regularly (8.1).",
        likelihood="Medium",
        impact="Significant",
        mitigation="Action to be raised with Business Intelligence Service Manager.",
        mitigation_date="April 2021",
        owner_email=LEAD,
    ),
)

# The scoring guidance lives with the risk matrix in app.domain.risk; here it is keyed by the seed's labels.
RISK_GUIDANCE: dict[tuple[str, str], str] = {
    (impact.label, likelihood.label): text for (impact, likelihood), text in _risk.RISK_GUIDANCE.items()
}

RED_RISK_NOTE = _risk.RED_RISK_NOTE

"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from app.models.account import AccountToken, HeldForm, RecoveryCode, RememberedDevice
from app.models.audit import AuditEvent, Notification, OutboxEmail
from app.models.imports import PendingImport
from app.models.jobs import PreparedPack, ScheduledRun
from app.models.plan import Milestone, Programme, Section, Workstream
from app.models.proposal import Evidence, Proposal
from app.models.rate_limit import RateLimitCounter
from app.models.report import BoardDecision, BoardMeeting, KeptExport, Report, ReportSnapshot, SectionNarrative
from app.models.risk import Risk
from app.models.user import Membership, User

__all__ = [
    "AccountToken",
    "AuditEvent",
    "BoardDecision",
    "BoardMeeting",
    "Evidence",
    "HeldForm",
    "KeptExport",
    "Membership",
    "Milestone",
    "Notification",
    "OutboxEmail",
    "PendingImport",
    "PreparedPack",
    "Programme",
    "Proposal",
    "RateLimitCounter",
    "RecoveryCode",
    "RememberedDevice",
    "Report",
    "ReportSnapshot",
    "Risk",
    "ScheduledRun",
    "Section",
    "SectionNarrative",
    "User",
    "Workstream",
]

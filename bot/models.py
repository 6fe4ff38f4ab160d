"""Domain models. Storage returns these; services take and give them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    STRANGER = "stranger"
    SECRETARY = "secretary"
    DEPUTY = "deputy"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class MemberRole(StrEnum):
    SECRETARY = "secretary"
    DEPUTY = "deputy"


class InviteRole(StrEnum):
    SECRETARY = "secretary"
    DEPUTY = "deputy"
    COORDINATOR = "coordinator"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class User(Model):
    user_id: int
    first_name: str = ""
    last_name: str = ""
    username: str | None = None
    tg_language: str | None = None
    language: str | None = None
    reachable: bool = True
    unreachable_reason: str | None = None

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        if not name:
            name = f"@{self.username}" if self.username else str(self.user_id)
        return name


class BranchKind(StrEnum):
    """What a unit of the tree is (docs/tree.md): a 党支部, or a 党总支 over some."""

    BRANCH = "branch"  # 支部
    GENERAL = "general"  # 总支


class Branch(Model):
    id: int
    name: str
    category: str = ""
    created_at: datetime
    archived_at: datetime | None = None
    # The tree (migration 0060): None = directly under the committee.
    parent_id: int | None = None
    kind: BranchKind = BranchKind.BRANCH
    reports: bool = True  # owes a monthly report (a 总支 may only gather its 支部)

    @property
    def active(self) -> bool:
        return self.archived_at is None

    @property
    def is_general(self) -> bool:
        return self.kind is BranchKind.GENERAL


class Membership(Model):
    branch: Branch
    role: MemberRole
    since: datetime


class BranchView(Model):
    """A branch with the people who report for it."""

    branch: Branch
    secretary: User | None = None
    deputy: User | None = None

    @property
    def reporters(self) -> list[User]:
        return [u for u in (self.secretary, self.deputy) if u is not None]


class Invite(Model):
    id: int
    role: InviteRole
    branch_id: int | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = None
    revoked_at: datetime | None = None


class Cycle(Model):
    month: str
    due_on: date


class Report(Model):
    id: int
    branch_id: int
    month: str
    author_id: int
    text: str
    submitted_at: datetime
    revised_at: datetime | None
    late: bool
    revisions: int
    highlighted_by: int | None = None


class Revision(Model):
    report_id: int
    revision: int
    text: str
    author_id: int
    submitted_at: datetime


class Attachment(Model):
    id: int
    branch_id: int
    month: str
    kind: str
    file_id: str
    file_unique_id: str
    file_name: str | None
    caption: str | None
    author_id: int
    added_at: datetime


class Exemption(Model):
    branch_id: int
    month: str
    reason: str
    created_by: int
    created_at: datetime


class Pending(Model):
    user_id: int
    kind: str
    branch_id: int | None
    month: str | None
    created_at: datetime
    held_text: str | None = None


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxItem(Model):
    id: int
    dedupe_key: str
    kind: str
    chat_id: int
    text: str
    reply_markup: str | None
    branch_id: int | None
    month: str | None
    recipient_id: int | None
    created_at: datetime
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    tg_message_id: int | None
    error: str | None
    valid_until: datetime | None = None
    claimed_by: str | None = None

    def expired(self, now: datetime) -> bool:
        """Stale: the window it belongs to has passed, so it must never be sent."""
        return self.valid_until is not None and now >= self.valid_until


class NewMessage(Model):
    """Something to put in the outbox.

    `valid_until`: the end of the window the message belongs to (a reminder
    stage); a message not sent by then is recorded as expired, never sent.
    None (circulars, answers to users) never expires.
    """

    dedupe_key: str
    kind: str
    chat_id: int
    text: str
    reply_markup: str | None = None
    branch_id: int | None = None
    month: str | None = None
    recipient_id: int | None = None
    valid_until: datetime | None = None


class Circular(Model):
    month: str
    text: str
    built_at: datetime
    posted_at: datetime | None
    message_ids: list[int]
    doc: str | None = None  # the circular's model as JSON; None for rows from before it


class AuditEntry(Model):
    id: int
    at: datetime
    actor_id: int | None
    action: str
    branch_id: int | None
    detail: str


class Lease(BaseModel):
    """Who runs on this database: the single-instance lease (`storage/lease.py`)."""

    owner: str
    host: str
    pid: int
    since: datetime
    renewed_at: datetime
    expires_at: datetime


class InboxState(StrEnum):
    RECEIVED = "received"
    HANDLED = "handled"


class InboxItem(BaseModel):
    """An update as recorded on arrival (`storage/inbox.py`)."""

    update_id: int
    payload: str
    state: InboxState
    received_at: datetime
    handled_at: datetime | None
    failure: str | None

"""All mapped classes, importable from one place."""

from store.models.activity import AuditEvent, Change, Interaction, Task
from store.models.base import (
    AuditAction,
    Base,
    CampaignStatus,
    InboundStatus,
    InteractionKind,
    InvoiceStatus,
    Lifecycle,
    OrderStatus,
    OutboxChannel,
    OutboxStatus,
    Priority,
    RecipientStatus,
    Role,
    SuppressionReason,
    TaskStatus,
    UTCDateTime,
)
from store.models.mail import (
    Campaign,
    CampaignRecipient,
    InboundMessage,
    JobState,
    OutboxMessage,
    SeenEvent,
    Suppression,
)
from store.models.people import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Tag,
    User,
    UserAlias,
    contact_tags,
)
from store.models.sales import Invoice, Order, OrderLine, Payment

__all__ = [
    "AuditAction", "AuditEvent", "Base", "Campaign", "CampaignRecipient", "CampaignStatus",
    "Change", "Company", "Contact", "ContactEmail", "ContactPhone", "InboundMessage",
    "InboundStatus", "Interaction", "InteractionKind", "Invoice", "InvoiceStatus", "JobState",
    "Lifecycle", "Order", "OrderLine", "OrderStatus", "OutboxChannel", "OutboxMessage",
    "OutboxStatus", "Payment", "Priority", "RecipientStatus", "Role", "SeenEvent", "Suppression",
    "SuppressionReason", "Tag", "Task", "TaskStatus", "UTCDateTime", "User", "UserAlias",
    "contact_tags",
]

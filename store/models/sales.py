"""The back-office slice sales needs: orders, invoices, payments. Money is minor units."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import text

from store.models.base import (
    Base,
    InvoiceStatus,
    OrderStatus,
    UTCDateTime,
    str_enum,
    utcnow_for_default,
)
from store.models.people import Company, Contact


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[OrderStatus] = mapped_column(
        str_enum(OrderStatus, "order_status"), default=OrderStatus.OPEN
    )
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow_for_default)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow_for_default, onupdate=utcnow_for_default
    )

    company: Mapped[Company | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    quantity: Mapped[float] = mapped_column(Numeric(14, 3), default=1)
    unit_price_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    order: Mapped[Order] = relationship(back_populates="lines")


# An invoice still expected to be paid. Queries that should read ix_invoices_open repeat
# this text exactly: SQLite uses a partial index only for a WHERE that contains its terms.
OPEN_INVOICE = "status IN ('open', 'disputed') AND amount_minor > paid_minor"


class Invoice(Base):
    """`paid_minor` is the sum of payments, kept beside the amount so aging is one scan."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        CheckConstraint("paid_minor >= 0", name="paid_not_negative"),
        # Only receivables: in a ledger most invoices are paid or void, and the aging and
        # credit aggregates read this index alone, in (customer, currency) order.
        Index(
            "ix_invoices_open",
            "company_id",
            "currency",
            "due_at",
            "amount_minor",
            "paid_minor",
            "status",
            postgresql_where=text(OPEN_INVOICE),
            sqlite_where=text(OPEN_INVOICE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[InvoiceStatus] = mapped_column(
        str_enum(InvoiceStatus, "invoice_status"), default=InvoiceStatus.OPEN, index=True
    )
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    dunning_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    promised_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow_for_default)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow_for_default, onupdate=utcnow_for_default
    )

    company: Mapped[Company | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    order: Mapped[Order | None] = relationship()
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="Payment.id"
    )

    @property
    def remaining_minor(self) -> int:
        return max(self.amount_minor - self.paid_minor, 0)


class Payment(Base):
    """A payment against one invoice; partial payments are ordinary."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("invoice_id", "reference"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow_for_default)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")

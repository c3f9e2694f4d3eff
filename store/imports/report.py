"""The outcome of an import, shared by every importer: counts and the rows refused."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """Filled in while an import runs; `summary()` and `details()` are what the user reads.

    Lines are numbered as in the file, the header being line 1.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejected(line, reason))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def absorb(self, other: ImportReport) -> None:
        """Add the counts of one batch to the running total."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
        self.warnings.extend(other.warnings)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )

    def details(self, max_warnings: int = 20) -> list[str]:
        """One line per rejected row (sorted by line), then warnings (bounded)."""
        out = [str(r) for r in sorted(self.rejected, key=lambda r: r.line)]
        out += [f"warning: {w}" for w in self.warnings[:max_warnings]]
        if len(self.warnings) > max_warnings:
            out.append(f"warning: … and {len(self.warnings) - max_warnings} more")
        return out

"""What an import or sync did: counts, rejected rows with their line, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Filled row by row; `lines()` is what the CLI prints."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append((line, reason))

    @property
    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )

    def lines(self) -> list[str]:
        out = [self.summary]
        out.extend(f"line {line}: {reason}" for line, reason in self.rejected)
        out.extend(f"warning: {w}" for w in self.warnings)
        return out

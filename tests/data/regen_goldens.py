"""(Re)write the JSON goldens next to every .eml fixture under tests/data/forwards/.

A golden is `crm parse FILE --json --now 2026-11-23T09:00:00+00:00 --tz Europe/Berlin`.
Regenerate after a parser change, then READ the diff: a golden records what a user
expects, so a wrong value is fixed in the parser, never accepted here.

    .venv/bin/python tests/data/regen_goldens.py [NAME.eml ...]
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from parsers.email import parse_email

FOLDER = Path(__file__).parent / "forwards"
NOW = "2026-11-23T09:00:00+00:00"
TZ = "Europe/Berlin"


def render(path: Path) -> str:
    parsed = parse_email(path.read_bytes(), now=datetime.fromisoformat(NOW), tz=TZ)
    return json.dumps(parsed.to_json(), ensure_ascii=False, indent=2) + "\n"


def main(names: list[str]) -> None:
    paths = [FOLDER / n for n in names] if names else sorted(FOLDER.glob("*.eml"))
    for path in paths:
        golden = path.with_suffix(".json")
        text = render(path)
        old = golden.read_text(encoding="utf-8") if golden.exists() else None
        if old != text:
            golden.write_text(text, encoding="utf-8")
            print(f"{'updated' if old else 'created'} {golden.name}")


if __name__ == "__main__":
    main(sys.argv[1:])

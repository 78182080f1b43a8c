"""The triage corpora: descriptions as callers phone them in, each with the urgency a careful
dispatcher would give it (triage_corpus.tsv, written for the regression; triage_blind*.tsv,
each written apart from the engine and measured once before joining the regression)."""

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
LEVELS = ("emergency", "urgent", "normal", "low")
AT_LEAST_URGENT = ("emergency", "call_back", "urgent")


@dataclass(frozen=True)
class Case:
    line: int
    sign: str
    expected: str
    lang: str
    register: str
    category: str
    text: str

    def register_items(self) -> dict[str, str]:
        """`age=84;bedridden;pregnant:due=+10` → {"age": "84", "bedridden": "", "pregnant":
        "+10"}"""
        items: dict[str, str] = {}
        for item in filter(None, (p.strip() for p in self.register.split(";"))):
            key, _, value = item.partition("=")
            if ":" in key:  # pregnant:due=+10, infant:age_days=40
                key = key.split(":")[0]
            items[key] = value
        return items


def load(name: str) -> list[Case]:
    """A corpus of this folder by its name, or any file by its path."""
    with (HERE / name if "/" not in name else Path(name)).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [
            Case(n, *(cell.strip() for cell in row)) for n, row in enumerate(reader, start=2) if row
        ]


@dataclass
class Figures:
    emergencies: int = 0
    caught: int = 0
    others: int = 0
    false_alarms: int = 0
    amber: int = 0
    amber_caught: int = 0
    missed_low: int = 0  # emergencies answered normal or low: in the ordinary queue
    call_backs: int = 0  # non-emergencies answered "call back now"
    hard_negatives: int = 0  # expected normal or low
    negatives_called_back: int = 0


def score(results: list[tuple[Case, str]]) -> tuple[dict[str, Figures], Figures, list[str]]:
    """Recall and false alarms by sign and in all, and the cases that fell short."""
    by_sign: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    misses: list[str] = []
    for case, got in results:
        for fig in (by_sign[case.sign], total):
            if case.expected == "emergency":
                fig.emergencies += 1
                fig.caught += got == "emergency"
                fig.missed_low += got in ("normal", "low")
            else:
                fig.others += 1
                fig.false_alarms += got == "emergency"
                fig.call_backs += got == "call_back"
            if case.expected in ("normal", "low"):
                fig.hard_negatives += 1
                fig.negatives_called_back += got == "call_back"
            if case.expected == "urgent":
                fig.amber += 1
                fig.amber_caught += got in AT_LEAST_URGENT
        if (case.expected == "emergency") != (got == "emergency") or (
            case.expected == "urgent" and got not in AT_LEAST_URGENT
        ):
            misses.append(
                f"line {case.line} [{case.sign}] expected {case.expected}, got {got}: "
                f"{case.text} {case.register}"
            )
    return dict(by_sign), total, misses


COLUMNS = ("emerg.", "caught", "recall", "→norm.", "others", "false", "rate", "urgent", "≥urg.",
           "n/low", "→call")  # fmt: skip


def table(by_sign: dict[str, Figures], total: Figures) -> str:
    rows = [f"{'sign':<14}" + "".join(f"{c:>8}" for c in COLUMNS)]
    for sign, f in [*sorted(by_sign.items()), ("ALL", total)]:
        recall = f"{f.caught / f.emergencies:.0%}" if f.emergencies else "—"
        rate = f"{f.false_alarms / f.others:.0%}" if f.others else "—"
        cells = (
            f.emergencies, f.caught, recall, f.missed_low, f.others, f.false_alarms, rate,
            f.amber, f.amber_caught, f.hard_negatives, f.negatives_called_back,
        )  # fmt: skip
        rows.append(f"{sign:<14}" + "".join(f"{c:>8}" for c in cells))
    return "\n".join(rows)

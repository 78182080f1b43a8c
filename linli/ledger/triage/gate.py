"""Which patterns can match a text at all, before running them.

Every intake is triaged, and most descriptions ("买菜", "楼道灯坏了") hold no finding: running a
hundred patterns on each costs more than the rest of the triage together. For each pattern this
works out, from its parse tree, a set of pieces (a character, or the first two or three of a run
of literals) of which any match must contain one; a text holding none of them is not searched.
The sets are sound by construction (a piece is only taken from a part every match must pass
through), so gating never changes a result; tests/ledger/test_triage.py checks that on the
whole corpus.
"""

import importlib
import re
from typing import Any

# The regular-expression parser of the standard library (its parse trees), untyped in typeshed.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

_SMALL = 40  # a character class larger than this tells too little to be worth a gate
N = 3  # a gate's pieces are up to three characters long: the start of a run of literals


def pieces(text: str) -> set[str]:
    """Every piece of `text` a gate may name: its characters and its runs of two and three."""
    return {text[i : i + n] for n in range(1, N + 1) for i in range(len(text) - n + 1)}


def _cost(gate: frozenset[str]) -> int:
    # One character is far likelier to turn up in a text than a run of two or three.
    return sum(10 if len(piece) == 1 else 1 for piece in gate)


def _element(op: Any, av: Any) -> frozenset[str] | None:
    """Pieces of which any match of this element contains one; None when unknown."""
    if op is sre.LITERAL:
        return frozenset(chr(av))
    if op is sre.IN:
        chars: set[str] = set()
        for item_op, item_av in av:
            if item_op is sre.NEGATE:
                return None
            if item_op is sre.LITERAL:
                chars.add(chr(item_av))
            elif item_op is sre.RANGE and item_av[1] - item_av[0] < _SMALL:
                chars.update(chr(c) for c in range(item_av[0], item_av[1] + 1))
            elif item_op is sre.CATEGORY and item_av is sre.CATEGORY_DIGIT:
                chars.update("0123456789")
            else:
                return None
        return frozenset(chars) if len(chars) <= _SMALL else None
    if op is sre.SUBPATTERN:
        return _sequence(av[-1])
    if op is sre.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            found = _sequence(alternative)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    return None  # anchors, look-arounds, any character, \w, \s, back references


def _sequence(pattern: Any) -> frozenset[str] | None:
    """The cheapest gate among the elements every match passes through; a run of literals
    counts as one element, named by its first three characters."""
    best: frozenset[str] | None = None
    items = list(pattern)
    i = 0
    while i < len(items):
        op, av = items[i]
        if op is sre.LITERAL:
            run = ""
            while i < len(items) and items[i][0] is sre.LITERAL:
                run += chr(items[i][1])
                i += 1
            found: frozenset[str] | None = frozenset([run[:N]])
        else:
            found = _element(op, av)
            i += 1
        if found is not None and (best is None or _cost(found) < _cost(best)):
            best = found
    return best


def required_pieces(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Pieces (`pieces`) of which every match of `pattern` holds one, or None if none is known."""
    return _sequence(sre_parse.parse(pattern.pattern, pattern.flags))

"""The dispatcher's key questions (MPDS case entry), asked whatever the caller's words say: is
the person awake and answering? breathing normally? what is the main problem?

*Not awake* or *not breathing normally* is an emergency by itself; "don't know" is an answer and
counts as the worse one, since a caller who cannot tell is not beside someone who is fine. The
main problem feeds the same rules as the words: it is a finding said by the operator instead
of the caller.
"""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS = {YES: _("yes"), NO: _("no"), UNKNOWN: _("don't know")}
QUESTIONS = {
    "awake": _("Is the person awake and answering you?"),
    "breathing": _("Are they breathing normally?"),
    "problem": _("What is the main problem?"),
}
# The two questions whose *no* (or "don't know") is an emergency, each with its sign.
LIFE_QUESTIONS = {"awake": "asked_awake", "breathing": "asked_breathing"}
ALL = (*LIFE_QUESTIONS, "problem")
# The main problem, in the order MPDS asks it, each with the findings it stands for; any
# problem but "something else" makes the request urgent at least.
PROBLEMS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "chest": (_("chest pain"), ("chest_pain",)),
    "breathing": (_("breathing problem"), ("breath_mild",)),
    "bleeding": (_("bleeding"), ("bleed_any",)),
    "fall": (_("fall or injury"), ("fall",)),
    "fit": (_("fit or convulsions"), ("seizure",)),
    "pregnancy": (_("pregnancy or labour"), ("pregnant",)),
    "poisoning": (_("poisoning or overdose"), ("poison",)),
    "suicide": (_("suicidal talk or self-harm"), ("suicidal",)),
    "other": (_("something else"), ()),
}
# Spelt as the API and Open311 may send them.
_SPELLINGS = {
    "yes": YES, "y": YES, "true": YES, "1": YES, "是": YES,
    "no": NO, "n": NO, "false": NO, "0": NO, "否": NO, "不是": NO,
    "unknown": UNKNOWN, "dont_know": UNKNOWN, "don't know": UNKNOWN, "?": UNKNOWN,
    "不知道": UNKNOWN,
}  # fmt: skip


def read_answer(value: object) -> str | None:
    """yes, no or unknown from what a form or a client sent; None when nothing was answered.
    Raises ValueError for a value that is none of these."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return YES if value else NO
    answer = _SPELLINGS.get(str(value).strip().lower())
    if answer is None:
        raise ValueError(value)
    return answer


def cleaned(answers: Mapping[str, object] | None, *, lenient: bool = False) -> dict[str, str]:
    """The answers given, checked: {"awake": "no", "problem": "chest"}. Raises ValueError
    naming the question whose answer is not one Linli knows; `lenient` (a form still being
    filled in) leaves such an answer out instead."""
    kept: dict[str, str] = {}
    for question in ALL:
        raw = (answers or {}).get(question)
        try:
            answer = _problem(raw) if question == "problem" else read_answer(raw)
        except ValueError:
            if lenient:
                continue
            raise ValueError(question) from None
        if answer is not None:
            kept[question] = answer
    return kept


def _problem(value: object) -> str | None:
    problem = str(value or "").strip().lower()
    if problem and problem not in PROBLEMS:
        raise ValueError(value)
    return problem or None


def reassured(answers: Mapping[str, str]) -> bool:
    """Both life questions answered yes: the half-named danger was asked about."""
    return all(answers.get(q) == YES for q in LIFE_QUESTIONS)


def problem_label(problem: str) -> str:
    return str(PROBLEMS[problem][0]) if problem in PROBLEMS else problem


def said(question: str, answer: str) -> str:
    """One answer in the reader's language: "Are they breathing normally? no"."""
    if question == "problem":
        return f"{QUESTIONS['problem']} {problem_label(answer)}"
    return f"{QUESTIONS[question]} {ANSWERS.get(answer, answer)}"

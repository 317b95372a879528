"""What a trail entry touched, worded when it is read, in the reader's language.

An entry keeps its target as a language-free reference (a model's label and number, a
username, a date) and what was done to it as a code (`AccessEvent.Note`); the two are put
together here, through gettext, as the page is drawn. A model's reference reads as the model's
name and the number ("remise n° 4", "delivery no. 4"), never as what the object holds: the
trail must not become a way to read a signer's name. Entries written before the code existed
kept the whole in English words; they are read into the same form by the English they were
written in (`LEGACY_TARGETS`), never rewritten: the trail is append-only, and PostgreSQL
refuses any UPDATE of it. Those entries are purged ACCESS_TRAIL_RETENTION_DAYS after they were
written, and `LEGACY_TARGETS` with them.
"""

import re
from typing import NamedTuple

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from staff.models import AccessEvent

Action, Note = AccessEvent.Action, AccessEvent.Note


class TrailTarget(NamedTuple):
    """An entry's target, as a reference and a code, whichever way it was stored."""

    target: str
    note: str


class ModelReference(NamedTuple):
    """A target that names a model by its label, and one of its objects by number if it does."""

    model: type[models.Model]
    number: int | None


# Each English target written before the note was stored apart, for the action that wrote it:
# read word for word, so that the English the entry is read in now is the English it was
# written in (tests/staff/test_trail_targets.py checks both ways). Matched only for its own
# action, since some targets hold staff's words (a petition's title).
_LIST = r"(?P<target>deliveries\.Delivery #\d+)"
LEGACY_TARGETS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    Action.LOGIN_FAILED: [
        (re.compile(r"password"), Note.LOGIN_PASSWORD),
        (re.compile(r"password, unknown account"), Note.LOGIN_PASSWORD_UNKNOWN_ACCOUNT),
        (re.compile(r"second factor"), Note.LOGIN_SECOND_FACTOR),
        (re.compile(r"second factor, unknown account"), Note.LOGIN_SECOND_FACTOR_UNKNOWN_ACCOUNT),
    ],
    Action.LOGGED_IN: [
        (re.compile(r"backup code"), Note.LOGIN_BACKUP_CODE),
        (re.compile(r"authenticator app"), Note.LOGIN_AUTHENTICATOR_APP),
    ],
    Action.ACCOUNT_LOCKED: [
        (re.compile(r"until (?P<target>[-\d: ]+ UTC)"), Note.LOCKED_UNTIL),
        (
            re.compile(r"until (?P<target>[-\d: ]+ UTC), unknown account"),
            Note.LOCKED_UNTIL_UNKNOWN_ACCOUNT,
        ),
    ],
    Action.NETWORK_LOCKED: [(re.compile(r"until (?P<target>[-\d: ]+ UTC)"), Note.LOCKED_UNTIL)],
    Action.ACCOUNT_UNLOCKED: [(re.compile(r"user (?P<target>.+)"), Note.ACCOUNT)],
    Action.TWO_FACTOR_RESET: [(re.compile(r"user (?P<target>.+)"), Note.ACCOUNT)],
    Action.NETWORK_UNLOCKED: [(re.compile(r"for user (?P<target>.+)"), Note.FOR_ACCOUNT)],
    Action.TRAIL_PURGED: [
        (re.compile(r"before (?P<target>\d{4}-\d{2}-\d{2})"), Note.PURGED_BEFORE)
    ],
    Action.SEARCHED_SIGNATURES: [
        (re.compile(r"(?P<target>petitions\.Signature) \(erasure\)"), Note.ERASURE_LOOKUP),
        (
            re.compile(r"(?P<target>petitions\.Signature) \(invalidation preview\)"),
            Note.INVALIDATION_PREVIEW,
        ),
    ],
    Action.ERASED_SIGNER: [
        (
            re.compile(r"retention: unconfirmed signatures deleted"),
            Note.RETENTION_UNCONFIRMED_DELETED,
        ),
        (
            re.compile(r"retention: unconfirmed invalidated signatures anonymised"),
            Note.RETENTION_INVALIDATED_ANONYMISED,
        ),
        (
            re.compile(r"retention: closed petitions' signatures anonymised"),
            Note.RETENTION_CLOSED_PETITIONS_ANONYMISED,
        ),
        (re.compile(rf"{_LIST}: list on file rewritten"), Note.LIST_ON_FILE_REWRITTEN),
    ],
    Action.HID_NAMES: [
        (re.compile(rf"{_LIST}: list not yet sent rewritten"), Note.LIST_NOT_YET_SENT_REWRITTEN),
        (
            re.compile(rf"{_LIST}: list rewritten before sending"),
            Note.LIST_REWRITTEN_BEFORE_SENDING,
        ),
        (
            re.compile(rf"{_LIST}: list already sent, cannot be recalled"),
            Note.LIST_SENT_NOT_RECALLED,
        ),
        (
            re.compile(rf"{_LIST}: list being sent, cannot be recalled"),
            Note.LIST_BEING_SENT_NOT_RECALLED,
        ),
    ],
}


def trail_target_read(event: AccessEvent) -> TrailTarget:
    """Return an entry's target and note: as stored, or read from the English of an old entry."""
    if event.note:
        return TrailTarget(event.target, event.note)
    for pattern, note in LEGACY_TARGETS.get(event.action, []):
        if matched := pattern.fullmatch(event.target):
            return TrailTarget(matched.groupdict().get("target", ""), note)
    return TrailTarget(event.target, "")


_REFERENCE = re.compile(r"(?P<label>\w+\.\w+)(?: #(?P<number>\d+))?")
# Targets that hold words, never a model's label, however they read: a username (which may
# have a dot in it) and a petition's title.
_NOTES_NAMING_AN_ACCOUNT = {Note.ACCOUNT, Note.FOR_ACCOUNT}
_ACTIONS_NAMING_IN_WORDS = {Action.IMPORTED_PAPER_SIGNATURES}


def trail_target_reference(event: AccessEvent) -> ModelReference | None:
    """Return the model (and number) an entry's target names, or None if it names none."""
    target, note = trail_target_read(event)
    if note in _NOTES_NAMING_AN_ACCOUNT or event.action in _ACTIONS_NAMING_IN_WORDS:
        return None
    matched = _REFERENCE.fullmatch(target)
    if matched is None:
        return None
    try:
        model = apps.get_model(matched["label"])
    except LookupError:  # a model this version no longer has, or words that look like one
        return None
    if model._meta.label != matched["label"]:  # get_model ignores case; references do not
        return None
    return ModelReference(model, int(matched["number"]) if matched["number"] else None)


def model_reference_text(reference: ModelReference) -> str:
    """Word a model reference in the active language: "delivery no. 4", or "signatures"."""
    if reference.number is None:
        return str(reference.model._meta.verbose_name_plural)
    # Translators: an object the access trail names, e.g. "delivery no. 4" (the number is its
    # id, never grouped). French: "%(model)s n° %(number)s", a no-break space after "n°".
    return gettext("%(model)s no. %(number)s") % {
        "model": reference.model._meta.verbose_name,
        "number": reference.number,
    }


_TARGET = "%(target)s"


def _note_frame(target: str, note: str) -> str:
    """Return what the note says, with _TARGET where the target goes (if it is shown)."""
    if not note:
        return _TARGET
    try:
        label = AccessEvent.Note(note).label
    except ValueError:  # a code this version no longer knows: shown, not lost
        return f"{_TARGET} ({note})" if target else note
    return str(label)


class _TargetWorded(NamedTuple):
    """What an entry touched, worded: the note's words around what is shown for the target."""

    before: str
    shown: str | None  # None where the note does not show the target
    after: str
    is_reference: bool  # `shown` words a model reference (a link may go there)


def _target_worded(event: AccessEvent) -> _TargetWorded:
    target, note = trail_target_read(event)
    before, with_target, after = _note_frame(target, note).partition(_TARGET)
    if not with_target:
        return _TargetWorded(before, None, "", is_reference=False)
    reference = trail_target_reference(event)
    if reference is None:
        return _TargetWorded(before, target, after, is_reference=False)
    return _TargetWorded(before, model_reference_text(reference), after, is_reference=True)


def trail_target_text(event: AccessEvent) -> str:
    """Word what an entry touched in the active language."""
    worded = _target_worded(event)
    return f"{worded.before}{worded.shown or ''}{worded.after}"


def trail_target_html(event: AccessEvent, *, admin_url: str | None = None) -> SafeString:
    """Word what an entry touched in the active language, its target a link to `admin_url`."""
    worded = _target_worded(event)
    if worded.shown is None:
        return conditional_escape(worded.before)
    if admin_url and worded.is_reference:
        return format_html(
            '{}<a href="{}">{}</a>{}', worded.before, admin_url, worded.shown, worded.after
        )
    return format_html("{}{}{}", worded.before, worded.shown, worded.after)


def _worded_numbers() -> list[re.Pattern[str]]:
    """Return how a reference with a number reads in the active language, as patterns that
    take a model's name and a number from casefolded words ("n°4" and "n° 4" alike)."""
    worded = gettext("%(model)s no. %(number)s").casefold()
    pieces = re.split(r"(%\(model\)s|%\(number\)s)", " ".join(worded.split()))
    as_read = {"%(model)s": r"(?P<model>.+?)", "%(number)s": r"(?P<number>\d+)"}
    pattern = "".join(
        as_read.get(piece) or re.escape(piece).replace(r"\ ", r"\s*") for piece in pieces
    )
    return [re.compile(pattern), re.compile(r"(?P<model>.+?)\s*#?\s*(?P<number>\d+)")]


def _models_named(name: str) -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if name
        in {
            str(model._meta.verbose_name).casefold(),
            str(model._meta.verbose_name_plural).casefold(),
        }
    ]


def trail_targets_searched(term: str) -> Q | None:
    """Return the entries whose target a search names as staff read it ("remise n° 4",
    "delivery no. 4", "deliveries"), in the active language or English; None if it names none.

    Entries written in English before the codes ("deliveries.Delivery #7: list ...") match too.
    """
    words = " ".join(term.casefold().split())
    every_entry_of: set[str] = set()  # labels
    entries_of_number: set[str] = set()  # references with a number
    for language in dict.fromkeys([translation.get_language() or "en", "en"]):
        with translation.override(language):
            every_entry_of |= {model._meta.label for model in _models_named(words)}
            for worded_number in _worded_numbers():
                if named := worded_number.fullmatch(words):
                    entries_of_number |= {
                        f"{model._meta.label} #{int(named['number'])}"
                        for model in _models_named(named["model"].strip())
                    }
    matching = Q()
    for label in every_entry_of:
        matching |= Q(target=label) | Q(target__startswith=f"{label} ")
    for reference in entries_of_number:
        matching |= Q(target=reference) | Q(target__startswith=f"{reference}:")
    return matching or None

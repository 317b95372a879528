"""One email to many recipients, its templates rendered once: each one's own values put in after.

A sender that mails a batch of signers the same email (the confirmation, in their language)
rendered its three templates for each of them, about a seventh of what an email cost it. An
`EmailMerge` renders them once per template, language and shape of the recipients' own values
(which are empty), with a stand-in for each own value, then puts each recipient's values where
their stand-ins are: escaped where the template escaped the stand-in (HTML), as they are where
it did not (plain text, subject).

That is what rendering with the recipient's values gives as long as the templates only print an
own value, or test whether it is empty. Two checks keep a template that does more from sending
a wrong email: the first recipient of each kind gets the email rendered alone, and the merged
one must equal it, or that kind is rendered for each recipient; and a stand-in a filter changed
is left in the text, which makes that email rendered alone. A template that breaks the rule
costs time, not a wrong email.
"""

from collections.abc import Hashable, Mapping

from django.utils.html import escape

from core.email_sending import EmailTexts, email_texts_render, subject_one_line

# The stand-ins hold a NUL, which no template writes and no own value may hold, and "<" and ">",
# which an escaping template writes as "&lt;" and "&gt;": where a stand-in was escaped shows.
_MARK = "\0"


def _stand_in(name: str) -> str:
    return f"{_MARK}<{name}>{_MARK}"


def _escaped_stand_in(name: str) -> str:
    return escape(_stand_in(name))


def _merge(rendered: str, own: Mapping[str, str]) -> str:
    for name, value in own.items():
        if value:
            rendered = rendered.replace(_stand_in(name), value)
            rendered = rendered.replace(_escaped_stand_in(name), escape(value))
    return rendered


def _merged(rendering: EmailTexts, own: Mapping[str, str]) -> EmailTexts:
    return EmailTexts(
        # On one line, as a subject rendered with the values would be.
        subject=subject_one_line(_merge(rendering.subject, own)),
        text=_merge(rendering.text, own),
        html=None if rendering.html is None else _merge(rendering.html, own),
    )


class EmailMerge:
    """Renderings of emails kept for the recipients of one batch: keep one only as long as
    what `shared_key` stands for (a petition as read for this batch) does not change."""

    def __init__(self) -> None:
        # By kind of email: its rendering with stand-ins, or None where it must not be used.
        self._renderings: dict[tuple, EmailTexts | None] = {}
        # How many times the templates were rendered: once per kind of email, not per email.
        self.renderings = 0

    def texts(
        self,
        *,
        template: str,
        context: dict,
        own: Mapping[str, str],
        language: str,
        shared_key: Hashable,
        html: bool = True,
    ) -> EmailTexts:
        """Return what `email_texts_render` returns with `context` and `own` together.

        `context` holds what every recipient of `shared_key` shares; `own`, this recipient's
        values (a greeting's name, their links).
        """
        if any(_MARK in value for value in own.values()):
            return self._render(template, {**context, **own}, language, html)
        key = (template, language, html, shared_key, tuple((n, bool(v)) for n, v in own.items()))
        if key not in self._renderings:
            stand_ins = {name: _stand_in(name) if value else value for name, value in own.items()}
            with_stand_ins = self._render(template, {**context, **stand_ins}, language, html)
            # Checked against the first recipient's email rendered alone: a template that
            # does more with an own value than print it is rendered for each recipient.
            alone = self._render(template, {**context, **own}, language, html)
            merges_right = _merged(with_stand_ins, own) == alone
            self._renderings[key] = with_stand_ins if merges_right else None
            return alone
        rendering = self._renderings[key]
        if rendering is not None:
            merged = _merged(rendering, own)
            # A stand-in a filter changed is left in the text: this email is rendered alone.
            if not any(_MARK in part for part in (merged.subject, merged.text, merged.html or "")):
                return merged
        return self._render(template, {**context, **own}, language, html)

    def _render(self, template: str, context: dict, language: str, html: bool) -> EmailTexts:
        self.renderings += 1
        return email_texts_render(template=template, context=context, language=language, html=html)

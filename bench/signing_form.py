"""Find the signature form in a page and fill it in as a signer would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

EMAIL_PLACEHOLDER = "__EMAIL__"
CSRF_FIELD = "csrfmiddlewaretoken"


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, or "select" / "textarea"
    value: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def is_signature_form(self) -> bool:
        """A POST form protected by CSRF that asks for an email address."""
        return (
            self.method == "post"
            and self.field(CSRF_FIELD) is not None
            and any(f.kind == "email" or f.name == "email" for f in self.fields)
        )


class _FormCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=values.get("action", ""), method=values.get("method", "get").lower()
            )
            self.forms.append(self._form)
            return
        if self._form is None or "name" not in values:
            if tag == "option" and self._select is not None:
                self._select.options.append(values.get("value", ""))
                if "selected" in values:
                    self._select.value = values.get("value", "")
            return
        required = "required" in values
        if tag == "input":
            kind = values.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                # The value a ticked box sends is kept in options, for required boxes.
                sent = values.get("value", "on")
                value = sent if "checked" in values else ""
                self._form.fields.append(FormField(values["name"], kind, value, required, [sent]))
            elif kind not in {"submit", "button", "reset", "image", "file"}:
                self._form.fields.append(
                    FormField(values["name"], kind, values.get("value", ""), required)
                )
        elif tag == "select":
            self._select = FormField(values["name"], "select", "", required)
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(values["name"], "textarea", "", required)
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_find(html: str) -> list[HtmlForm]:
    collector = _FormCollector()
    collector.feed(html)
    collector.close()
    return collector.forms


def signature_form_find(html: str) -> HtmlForm | None:
    """Return the page's signature form, or None when the page has none."""
    return next((form for form in forms_find(html) if form.is_signature_form), None)


def signature_form_body(form: HtmlForm, *, country: str = "FR") -> str:
    """Fill in what a signer must, leave the rest (the honeypot too) as the page gave it.

    The email is EMAIL_PLACEHOLDER, for bench/sign.lua to replace with a new address each time.
    """
    pairs: list[tuple[str, str]] = []
    for form_field in form.fields:
        value = form_field.value
        if form_field.kind == "email" or form_field.name == "email":
            value = EMAIL_PLACEHOLDER
        elif form_field.kind == "select":
            choices = [option for option in form_field.options if option]
            if country in choices:
                value = country
            elif form_field.required and choices:
                value = choices[0]
        elif form_field.kind in {"checkbox", "radio"}:
            if form_field.required:
                value = form_field.options[0] if form_field.options else "on"
            if not value:
                continue
        elif form_field.required and not value:
            value = "Camille" if "first" in form_field.name else "Bench"
        pairs.append((form_field.name, value))
    # The placeholder's underscores survive urlencode unchanged.
    return urlencode(pairs)


def form_action_url(form: HtmlForm, page_url: str) -> str:
    return urljoin(page_url, form.action or page_url)

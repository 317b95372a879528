"""What a supporter does on a page: sign, read the count, follow an emailed link."""

import re
from urllib.parse import urlparse

FORM = {
    "fr": {"first": "Prénom", "last": "Nom", "email": "E-mail", "country": "Pays"},
    "en": {"first": "First name", "last": "Last name", "email": "Email", "country": "Country"},
}


def count(page) -> int:
    return int(
        page.locator("#act-sign [data-signature-count]").get_attribute("data-signature-count")
    )


def sign(
    page, language: str, *, email: str, first_name: str = "Aynur", show_name: bool = False
) -> None:
    form = page.locator("#act-sign form.sign-form")

    def field(name: str):
        # Required fields' labels end with crispy's asterisk; "Nom" must not match "Prénom".
        label = FORM[language][name]
        return form.get_by_label(re.compile(rf"^\s*{label}\s*\*?\s*$"))

    field("first").fill(first_name)
    field("last").fill("Tursun")
    field("email").fill(email)
    field("country").select_option("FR")
    if show_name:
        form.locator("input[name=show_first_name]").check()
    form.locator("button[type=submit]").click()


def link_in(message, name: str, site: str) -> str:
    return re.search(rf"{re.escape(site)}\S*/petition/{name}/\S+/", message.body).group(0)


def only_our_origin(page, site: str) -> None:
    ours = urlparse(site).netloc
    assert [url for url in page.requested if urlparse(url).netloc != ours] == []

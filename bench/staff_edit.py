"""A staff member editing the case page in the admin, over HTTP through the proxy.

make scale uses it to change the page in the middle of a surge: the password, the
authenticator app's code, then the page's change form posted back with a new title, as a
browser would post it (every field as the page shows it).
"""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bench import signing_form


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class StaffBrowser:
    base_url: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        """Return (status, Location, body) without following redirects."""
        headers = {"Referer": f"{self.base_url}{path}", "Origin": self.base_url}
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=encoded, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def form_post(self, path: str, changes: dict[str, str]) -> tuple[int, str, str]:
        """GET the page, fill the form holding the first of `changes` as shown, POST it back."""
        status, _location, body = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        first = next(iter(changes))
        forms = [form for form in signing_form.forms_find(body) if form.field(first)]
        if not forms:
            raise RuntimeError(f"No form with {first!r} on {path}")
        form = forms[0]
        pairs = []
        for form_field in form.fields:
            if form_field.name in changes:
                pairs.append((form_field.name, changes[form_field.name]))
            elif form_field.kind in {"checkbox", "radio"} and not form_field.value:
                continue
            else:
                pairs.append((form_field.name, form_field.value))
        pairs += [(name, value) for name, value in changes.items() if not form.field(name)]
        action = urllib.parse.urljoin(self.base_url + path, form.action or path)
        return self.request(action.removeprefix(self.base_url), pairs)


def staff_login(browser: StaffBrowser, *, username: str, password: str, code: str) -> None:
    """Log in as staff do: the password, then the authenticator app's code."""
    status, location, _body = browser.form_post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    if status != 302:
        raise RuntimeError(f"The admin refused the password ({status})")
    step = location.removeprefix(browser.base_url)
    status, location, _body = browser.form_post(step, {"token": code})
    if status != 302:
        raise RuntimeError(f"The admin refused the authenticator code ({status})")


def page_title_change(browser: StaffBrowser, *, page_id: int, title: str) -> None:
    """Give the page a new French title in the admin and save it."""
    path = f"/admin/campaign/page/{page_id}/change/"
    status, _location, body = browser.form_post(path, {"title_fr": title, "_save": "Save"})
    if status != 302:
        raise RuntimeError(f"The admin did not save the page ({status}): {body[:300]}")

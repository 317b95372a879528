"""Another staff member acting in the same moment: a request of their own, on a database
connection of its own, committed before this test's request goes on."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection

from campaign.admin.pages import PageAdmin


def as_another_staff_member(action):
    """Run `action` on a connection of its own, committed when it returns, as another request."""

    def run():
        try:
            action()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as other_request:
        other_request.submit(run).result()


def another_staff_member_acts_once_the_form_is_checked(
    monkeypatch, action, model_admin=PageAdmin
) -> list:
    """Make `action` happen, as another staff member's request, once the admin form's checks
    have passed and before its row is saved; return a list that says whether it did."""
    form_done = model_admin.save_form
    acted = []

    def form_done_then_the_other_staff_member_acts(admin, request, form, change):
        row = form_done(admin, request, form, change)
        if not acted:
            as_another_staff_member(action)
            acted.append(True)
        return row

    monkeypatch.setattr(model_admin, "save_form", form_done_then_the_other_staff_member_acts)
    return acted


@contextmanager
def another_staff_member_acts_just_before(statement: str, action):
    """Make `action` happen, as another staff member's request, just before this test's request
    sends the database its first statement that starts with `statement`; yield a list that
    says whether it did."""
    acted = []

    def other_staff_member_first(execute, sql, params, many, context):
        if not acted and sql.startswith(statement):
            as_another_staff_member(action)
            acted.append(True)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(other_staff_member_first):
        yield acted


def another_staff_member_acts_once_this_returns(monkeypatch, owner, name: str, action) -> list:
    """Make `action` happen, as another staff member's request, once `owner.name` (a check this
    test's request makes) first returns; return a list that says whether it did."""
    checked = getattr(owner, name)
    acted = []

    def checked_then_the_other_staff_member_acts(*arguments, **keywords):
        result = checked(*arguments, **keywords)
        if not acted:
            as_another_staff_member(action)
            acted.append(True)
        return result

    monkeypatch.setattr(owner, name, checked_then_the_other_staff_member_acts)
    return acted

"""Fill an admin change form the way a browser would: every field as the page shows it."""

from django.db.models.fields.files import FieldFile


def _as_post_value(value):
    if value is None or isinstance(value, FieldFile):
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False:
            continue
        data[form.add_prefix(name)] = _as_post_value(value)
    return data


def admin_change_form_data(response, **changes) -> dict:
    """Return the POST data of the admin change form in `response`, with `changes` applied."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _as_post_value(management[name].value())
        for form in formset.forms:
            data.update(_form_data(form))
    data.update(changes)
    return data


def admin_list_form_data(response, changes_by_pk: dict) -> dict:
    """Return the POST data of the admin list in `response` saved with its editable columns,
    each row's `changes_by_pk[row's pk]` applied."""
    formset = response.context["cl"].formset
    management = formset.management_form
    data = {
        management.add_prefix(name): _as_post_value(management[name].value())
        for name in management.fields
    }
    for form in formset.forms:
        row = _form_data(form)
        for name, value in changes_by_pk.get(form.instance.pk, {}).items():
            row[form.add_prefix(name)] = value
        data.update(row)
    return data | {"_save": "Save"}

"""Links from a page of the access trail to the admin pages of what its entries touched.

Only where the object is still there and the reader may open its page: an erased signature, or
a model staff may not see, reads as its worded reference alone. The link is the whole of what
the trail gives away; the page it leads to keeps its own permissions (and trails the look).
Found for a page of entries at once, one query per model whatever the number of rows.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.admin import AdminSite
from django.contrib.admin.exceptions import NotRegistered
from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from staff.models import AccessEvent
from staff.trail_targets import trail_target_reference


def trail_target_admin_urls(
    events: Iterable[AccessEvent], *, request: HttpRequest, admin_site: AdminSite
) -> dict[int, str]:
    """Return, by entry, the admin page of the object it touched, where the reader may open it."""
    touched: dict[int, tuple[type[models.Model], int]] = {}
    numbers_by_model: dict[type[models.Model], set[int]] = defaultdict(set)
    for event in events:
        reference = trail_target_reference(event)
        if reference is not None and reference.number is not None:
            touched[event.pk] = (reference.model, reference.number)
            numbers_by_model[reference.model].add(reference.number)

    openable: dict[type[models.Model], set[int]] = {}
    for model, numbers in numbers_by_model.items():
        try:
            model_admin = admin_site.get_model_admin(model)
        except NotRegistered:
            continue
        if not model_admin.has_view_or_change_permission(request):
            continue
        # The rows the admin itself would open: another's export, which its page refuses to
        # show, is not linked either.
        found = model_admin.get_queryset(request).filter(pk__in=numbers)
        openable[model] = set(found.values_list("pk", flat=True))

    return {
        event_pk: reverse(
            f"{admin_site.name}:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[number],
        )
        for event_pk, (model, number) in touched.items()
        if number in openable.get(model, ())
    }

"""The signature list's filters, read from its address in the admin, carried into an export.

The export form opens with the filters the list had, so that it holds the rows staff were
looking at; a filter it cannot hold is named on the form rather than left out in silence.
"""

from datetime import date, timedelta

from django.contrib.admin.options import IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django_countries import countries

from petitions.admin.country_filter import CountryListFilter
from petitions.models import Petition, Signature

# What the signature list's address holds besides its filters: its order, page and display.
CHANGELIST_DISPLAY_PARAMETERS = {
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    TO_FIELD_VAR,
}


def _changelist_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _changelist_last_day(value: str) -> date | None:
    """The list's date filter ends before a day; the form names the last day included."""
    day = _changelist_day(value)
    return day - timedelta(days=1) if day else None


def _changelist_petition(value: str) -> str | None:
    return value if value.isdigit() and Petition.objects.filter(pk=value).exists() else None


def _changelist_status(value: str) -> str | None:
    return value if value in Signature.Status.values else None


def _changelist_country(value: str) -> str | None:
    return value if value in dict(countries) else None


def _changelist_named_only(value: str) -> bool | None:
    """The list's "Yes"; its "No" (only signers not named) is no choice of the form's."""
    return True if value == "1" else None


# The signature list's filters the export form applies too: the list's parameter, the form's
# field, and the form's value for the list's (None: a value the form cannot hold).
CHANGELIST_FILTERS_CARRIED = {
    "petition__id__exact": ("petition", _changelist_petition),
    "petition": ("petition", _changelist_petition),
    "status__exact": ("status", _changelist_status),
    CountryListFilter.parameter_name: ("country", _changelist_country),
    "country__exact": ("country", _changelist_country),
    "name_in_delivery__exact": ("named_only", _changelist_named_only),
    "created_at__gte": ("signed_from", _changelist_day),
    "created_at__lt": ("signed_until", _changelist_last_day),
}


def _changelist_filter_name(parameter: str) -> str:
    """Return what the signature list calls the filter `parameter` sets, as staff read it."""
    if parameter == SEARCH_VAR:
        return gettext("The list's search")
    try:
        field = Signature._meta.get_field(parameter.split(LOOKUP_SEP, 1)[0])
    except FieldDoesNotExist:
        return parameter
    return str(capfirst(getattr(field, "verbose_name", parameter)))


def changelist_filters_read(params: QueryDict) -> tuple[dict, list[str]]:
    """Return the export form's initial values from the signature list's filters and search,
    and the names of those the export cannot apply: it would hold rows the list left out."""
    initial: dict = {
        "petition": None,
        "status": "",
        "country": "",
        "named_only": False,
        "signed_from": None,
        "signed_until": None,
    }
    not_carried: list[str] = []
    for parameter in params:
        values = [value for value in params.getlist(parameter) if value.strip()]
        # An empty value is a filter set to "All" (or an empty search): it narrows nothing.
        if parameter in CHANGELIST_DISPLAY_PARAMETERS or not values:
            continue
        field, form_value_of = CHANGELIST_FILTERS_CARRIED.get(parameter, (None, None))
        # Several values of one filter (?status__exact=a&status__exact=b) widen the list to
        # each of them; the form holds one.
        form_value = form_value_of(values[0]) if form_value_of and len(values) == 1 else None
        # Two of the list's parameters for one field (?country=FR&country__exact=DE) narrow the
        # list by both; the form holds one.
        already = initial.get(field)
        if form_value is None or already not in (form_value, None, "", False):
            name = _changelist_filter_name(parameter)
            if name not in not_carried:
                not_carried.append(name)
            continue
        initial[field] = form_value
    return initial, not_carried

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.public_cache import cache_public_page
from deliveries import selectors
from petitions.models import Petition


@require_safe
@cache_public_page
def petition_deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the public proof of delivery: when, to whom, how many, and the files' SHA-256."""
    petition = Petition.objects.public().filter(slug=slug).first()
    if petition is None:
        raise Http404("No such petition.")
    return render(
        request,
        "deliveries/petition_deliveries.html",
        {"petition": petition, "deliveries": selectors.deliveries_public_for(petition=petition)},
    )

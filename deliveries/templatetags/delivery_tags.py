from django import template

from deliveries import selectors
from petitions.models import Petition

register = template.Library()


@register.inclusion_tag("deliveries/includes/public_deliveries.html")
def petition_deliveries(petition: Petition) -> dict:
    """Render the petition's proof of delivery: `{% petition_deliveries petition %}`."""
    return {"petition": petition, "deliveries": selectors.deliveries_public_for(petition=petition)}

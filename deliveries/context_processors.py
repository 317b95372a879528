from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from deliveries.models import Delivery

ADMIN_PATH_PREFIX = "/admin/"


def delivery_alerts(request: HttpRequest) -> dict:
    """Give every admin page the deliveries that failed for good, for staff who may see them.

    Read only when a page shows them (admin/base_site.html), never on the public site.
    """
    user = getattr(request, "user", None)
    if (
        not request.path.startswith(ADMIN_PATH_PREFIX)
        or user is None
        or not user.is_staff
        or not user.has_perm("deliveries.view_delivery")
    ):
        return {}
    return {
        "failed_deliveries": SimpleLazyObject(
            lambda: list(
                Delivery.objects.filter(status=Delivery.Status.FAILED)
                .select_related("petition", "target")
                .order_by("-created_at")[:5]
            )
        )
    }

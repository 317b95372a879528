from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.middleware import is_verified


class StaffSessionMiddleware:
    """Expire idle staff sessions, and keep staff without a second factor on the way to it.

    Goes after django_otp's OTPMiddleware, which tells whether the session passed a device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff:
            # Set on every request, so that the expiry counts from the last one.
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            if not is_verified(user) and request.path not in self._second_factor_paths():
                # Everywhere, not only in the admin: a password alone opens nothing.
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:staff_two_factor_verify")
                )
        return self.get_response(request)

    @staticmethod
    def _second_factor_paths() -> set[str]:
        return {
            reverse("admin:staff_two_factor_verify"),
            reverse("admin:staff_two_factor_enrol"),
            reverse("admin:staff_two_factor_sign_out"),
        }

"""Admin behaviour that several apps' model admins share."""

from django.http import HttpRequest


class RecordAdminMixin:
    """A record, read-only for everyone, superusers included: never added, changed or deleted
    by hand (the access trail, deliveries sent, prepared exports)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """Show every field of the form, read-only."""
        if self.fieldsets:
            return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        return list(self.fields or [])

"""The email domains staff allow or block (petitions/email_domains.py applies them)."""

from django.contrib import admin
from django.http import HttpRequest

from petitions.email_domains import email_domain_rules_forget
from petitions.models import EmailDomainRule


@admin.register(EmailDomainRule)
class EmailDomainRuleAdmin(admin.ModelAdmin):
    list_display = ["domain", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["domain"]

    def save_model(self, request: HttpRequest, obj: EmailDomainRule, form, change: bool) -> None:
        obj.domain = obj.domain.strip().lower().rstrip(".")
        super().save_model(request, obj, form, change)
        # This process reads the rules at once; the others within RULES_SECONDS.
        email_domain_rules_forget()

    def delete_model(self, request: HttpRequest, obj: EmailDomainRule) -> None:
        super().delete_model(request, obj)
        email_domain_rules_forget()

"""The frame of the staff tools' own pages in the admin (export, erase a person)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def tool_page_response(
    model_admin: admin.ModelAdmin, request: HttpRequest, template: str, title: str, **context
) -> HttpResponse:
    """Render a tool's page with the admin's header, breadcrumbs and the model's options."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            **context,
        },
    )

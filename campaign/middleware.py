from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from core.language_prefix import unserved_language_prefix_redirect

# Pages outside i18n_patterns, which have no language in their address.
STAFF_PATH_PREFIXES = ("/admin/",)


class SiteLocaleMiddleware(LocaleMiddleware):
    """French at the root and English under /en/; staff pages speak the browser's language.

    Django gives every address without a language prefix the default language, so without this
    the admin would be French for everyone, whatever their browser asks for.

    An address under the prefix of a language no longer served (a link emailed in Uyghur,
    opened once Uyghur is switched off) goes to the same page in the default language.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if request.path_info.startswith(STAFF_PATH_PREFIXES):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        response = super().process_response(request, response)
        if response.status_code == 404:
            return unserved_language_prefix_redirect(request) or response
        return response

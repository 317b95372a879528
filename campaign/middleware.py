from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Pages outside i18n_patterns, which have no language in their address.
STAFF_PATH_PREFIXES = ("/admin/",)


class SiteLocaleMiddleware(LocaleMiddleware):
    """French at the root and English under /en/; staff pages speak the browser's language.

    Django gives every address without a language prefix the default language, so without this
    the admin would be French for everyone, whatever their browser asks for.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if request.path_info.startswith(STAFF_PATH_PREFIXES):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()

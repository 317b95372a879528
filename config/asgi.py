import os

from django.core.asgi import get_asgi_application

from config.serving import serving_settings_check

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_asgi_application()
serving_settings_check()

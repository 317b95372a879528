import os

from django.core.wsgi import get_wsgi_application

from config.serving import serving_settings_check, startup_objects_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()
serving_settings_check()
startup_objects_freeze()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")
    initial_content_loader = "petitions.initial_content.petition_load_initial"
    launch_steps = "petitions.launch.petitions_launch_steps"

    def ready(self) -> None:
        from petitions import webhooks  # noqa: F401 (connects the ESP's tracking events)

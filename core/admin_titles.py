"""Django's admin page titles, worded again for French.

Django's French catalogue titles a change form "Modification de %s", so our models' names
gave "Modification de appel à l'action" and "Ajout de entrée du journal des accès": French
elides "de" before a vowel, and no single phrasing of "de %s" is right for every name. The
titles below are in our catalogue (locale/, in LOCALE_PATHS, which takes precedence over
Django's own), where French words them without an article to elide: "Modification : appel
à l'action". These strings are Django's msgids, so the admin picks them up unchanged;
tests/staff/test_admin_polish.py checks every registered model's titles.
"""

from django.utils.translation import gettext_noop

REWORDED_ADMIN_TITLES = (
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    # A list's button: Django's French says "Ajouter calendrier de remise", with no article.
    gettext_noop("Add %(name)s"),
    # The home's link beside "Ajouter" and "Afficher": Django's French gives a noun,
    # "Modification", where the others are verbs.
    gettext_noop("Change"),
)

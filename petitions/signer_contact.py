"""Who may see how to reach a signer or who they are: email addresses and named lists.

Only Data officers hold `petitions.view_signer_contact`. Petition managers review signatures
and follow deliveries from counts and first names; they never see an address, a last name, a
postcode or a comment, and cannot download a list of named signers.
"""

from django.contrib.auth.models import AbstractUser, AnonymousUser

CONTACT_PERMISSION = "petitions.view_signer_contact"
# The fields of a signature that only holders of CONTACT_PERMISSION see.
CONTACT_FIELDS = ("email", "last_name", "postcode", "comment")


def signer_contact_visible_to(user: AbstractUser | AnonymousUser) -> bool:
    return user.has_perm(CONTACT_PERMISSION)

"""Who may see how to reach a signer or who they are: email addresses and named lists.

Only Data officers hold `petitions.view_signer_contact`. Petition managers review signatures
and follow deliveries from counts and first names; they never see an address, a last name, a
postcode or a comment, and cannot download a list of named signers.
"""

from django.contrib.auth.models import AnonymousUser, PermissionsMixin

CONTACT_PERMISSION = "petitions.view_signer_contact"
# The fields of a signature that only holders of CONTACT_PERMISSION see. The email domain is
# among them on a signature's own page: beside a first name, a rare domain can name someone
# (managers see domains only counted, in trends and invalidation previews).
CONTACT_FIELDS = ("email", "email_domain", "last_name", "postcode", "comment")


def signer_contact_visible_to(user: PermissionsMixin | AnonymousUser) -> bool:
    return user.has_perm(CONTACT_PERMISSION)

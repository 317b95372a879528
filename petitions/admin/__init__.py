"""The admin of petitions: one module per staff tool.

petitions.py: petitions and targets, with each petition's dashboard (dashboard.py);
signatures.py: the signature list at scale, review, and the mixins of exports.py (exports by
filter or selection, prepared exports) and erasure.py (erase a person).
"""

from petitions.admin import (  # noqa: F401 - they register
    email_domains,
    exports,
    invalidations,
    petitions,
    signatures,
)

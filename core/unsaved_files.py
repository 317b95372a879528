"""Files a save writes before its row, removed when the row is not saved.

Django stores a file field's new file while it saves the row (the field's pre_save), before the
INSERT or UPDATE: when the database then refuses the row (a constraint, another request that
took an address first), the file stays in storage with nothing naming it. A public image there
is one anyone may fetch who learns its name, kept without the page staff meant it for.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models


def _stored_names(instance: models.Model) -> dict[str, str]:
    return {
        field.attname: getattr(instance, field.attname).name or ""
        for field in instance._meta.concrete_fields
        if isinstance(field, models.FileField)
    }


@contextmanager
def files_removed_unless_saved(instance: models.Model) -> Iterator[None]:
    """Delete the files that saving `instance` inside this block wrote, if the block fails.

    A file written takes its stored name on the instance, so a name that changed is a file
    this save wrote. The instance is then not to be saved again as it is: its field names a
    file no longer there.
    """
    before = _stored_names(instance)
    try:
        yield
    except BaseException:
        for attname, name in _stored_names(instance).items():
            if name and name != before[attname]:
                getattr(instance, attname).storage.delete(name)
        raise

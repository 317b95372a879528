"""The access trail records the rows an export really wrote, even when it broke part way."""

import io

import pytest

from petitions import exports
from petitions.models import Signature
from staff.models import AccessEvent
from tests.staff_fixtures import staff_user_create

pytestmark = pytest.mark.django_db


def _rows_then_failure(count: int):
    def rows(signatures, *, unsealer=None):
        for number in range(count):
            yield [f"Prénom{number}", "", "", "FR", "", "", "", "", "", "", ""]
        raise ValueError("the database went away")

    return rows


def _write(file_format: str) -> None:
    exports.signatures_export_write(
        actor=staff_user_create(),
        signatures=Signature.objects.all(),
        query={},
        file_format=file_format,
        out=io.BytesIO(),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_that_breaks_after_two_rows_is_trailed_as_two_interrupted_rows(
    monkeypatch, file_format
):
    monkeypatch.setattr(exports, "export_rows", _rows_then_failure(2))

    with pytest.raises(ValueError):
        _write(file_format)

    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.row_count == 2
    assert event.query["interrupted"] is True


def test_an_export_that_breaks_before_its_first_row_is_not_trailed_as_an_export(monkeypatch):
    monkeypatch.setattr(exports, "export_rows", _rows_then_failure(0))

    with pytest.raises(ValueError):
        _write("csv")

    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()

from petitions import (
    counter,
)


def test_the_count_comes_from_the_cache_not_from_counting_rows(
    sign, confirm, petition, django_assert_num_queries
):
    confirm(sign().signature)
    counter.petition_signature_count(petition=petition)

    with django_assert_num_queries(0):
        assert counter.petition_signature_count(petition=petition) == 1


def test_the_reconciliation_corrects_a_count_that_drifted(sign, confirm, petition):
    confirm(sign().signature)
    assert counter.petition_signature_count(petition=petition) == 1
    counter.petition_count_add(petition_id=petition.pk, delta=41)
    assert counter.petition_signature_count(petition=petition) == 42

    counter.petition_counts_reconcile()

    assert counter.petition_signature_count(petition=petition) == 1
    petition.refresh_from_db()
    assert petition.confirmed_count == 1

"""The public proof of delivery: when, to whom, how many, the files' SHA-256, and no one exposed."""

from django.template import Context, Template
from django.urls import reverse

from deliveries import batches, runs
from deliveries.models import Delivery
from tests.deliveries.factories import confirmed_signatures_create


def deliveries_url(petition, language="fr"):
    from django.utils import translation

    with translation.override(language):
        return reverse("deliveries:petition_deliveries", kwargs={"slug": petition.slug})


def test_the_public_sees_each_sent_delivery_and_its_fingerprints(
    client, petition, embassy, ministry, django_capture_on_commit_callbacks
):
    signatures = confirmed_signatures_create(petition, 7, named_every=1)
    with django_capture_on_commit_callbacks(execute=True):
        runs.deliveries_run(petition=petition)
    sent = Delivery.objects.get(target=embassy)

    response = client.get(deliveries_url(petition))

    assert deliveries_url(petition) == "/petition/liberez-mamat/deliveries/"
    page = response.content.decode()
    assert response.status_code == 200
    assert embassy.organisation in page and ministry.organisation in page
    assert sent.letter_sha256 in page and sent.csv_sha256 in page
    assert ">7<" in page
    for signature in signatures:
        assert signature.last_name not in page
        assert signature.email not in page
    assert sent.reference not in page


def test_deliveries_not_sent_yet_are_not_listed(client, petition, embassy):
    confirmed_signatures_create(petition, 2)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    response = client.get(deliveries_url(petition, "en"))

    assert response.status_code == 200
    assert ready.letter_sha256 not in response.content.decode()
    assert "has not been delivered yet" in response.content.decode()


def test_a_draft_petition_has_no_public_deliveries(client, petition):
    petition.status = petition.Status.DRAFT
    petition.save()

    assert client.get(deliveries_url(petition)).status_code == 404


def test_the_petition_page_can_show_the_list_with_one_tag(
    petition, embassy, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    with django_capture_on_commit_callbacks(execute=True):
        runs.deliveries_run(petition=petition)

    html = Template("{% load delivery_tags %}{% petition_deliveries petition %}").render(
        Context({"petition": petition})
    )

    assert Delivery.objects.get(target=embassy).letter_sha256 in html


def test_the_petition_page_lists_its_deliveries(
    client, petition, embassy, ministry, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3, named_every=1)
    with django_capture_on_commit_callbacks(execute=True):
        runs.deliveries_run(petition=petition)
    sent = Delivery.objects.get(target=embassy)

    page = client.get(petition.get_absolute_url()).content.decode()

    assert 'id="deliveries-title"' in page
    assert sent.letter_sha256 in page

"""A superuser opens every admin page of a campaign in full swing, in French, without an error.

Opening a recorded reply that had a file gave a 500: the admin's file widget asked the private
storage for an address it does not have. No test had opened a change page of an object whose
fields were all filled in. This one builds a campaign as staff and signers leave it (signatures
in every state, a delivery sent and answered with a file, an export written, an invalidation, an
update sent, images uploaded), then opens each model's list, its add page, and the page of each
object, one of each state first.
"""

import datetime
import traceback

import pytest
from django.contrib import admin
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse

from campaign import page_drafts
from campaign.models import Page
from deliveries import batches, file_reading, sending
from deliveries.models import Delivery, DeliveryReply
from deliveries.replies import delivery_reply_record
from petitions import erasure, export_jobs, invalidations, paper, review, signature_links, signing
from petitions.email_domains import email_domain_rules_forget
from petitions.exports import SignatureExportFilters
from petitions.invalidations import InvalidationCriteria
from petitions.models import (
    EmailDomainRule,
    Invalidation,
    Petition,
    Signature,
    SignatureExport,
    Target,
)
from staff.access_trail import ip_hmac
from staff.models import AccessEvent
from tests.deliveries.factories import address_approved
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, staff_with_role
from tests.updates.conftest import approver_create
from tests.updates.factories import update_approved
from updates import sending as update_sending
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr"}
# Enough to open each state a model's objects are in, and the newest of them.
MOST_OPENED_PER_MODEL = 5
# The fields that say which state an object is in: a page may break for one state only.
STATE_FIELDS = ("status", "kind", "action")
BOT_IP = "198.51.100.66"
STAFF_IP = "203.0.113.9"
# Signatures gathered at a march, typed into the blank sheet's columns.
PAPER_SHEET = "Prénom;Nom;Pays;E-mail;Nommer\nGulnar;Abla;France;;oui\nJames;Smith;Turquie;;\n"


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Keep the files this world writes (letters, lists, exports, images) in the test's folder."""
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    settings.EXPORT_FILES_ROOT = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(mamat_campaign, verified_staff_user, django_capture_on_commit_callbacks):
    """The Mamat campaign some weeks after launch, every object as staff and signers leave it."""
    petition = Petition.objects.get(slug="liberez-mamat")
    officer = staff_with_role(DATA_OFFICERS, "officer")
    manager = staff_with_role(PETITION_MANAGERS, "manager")
    writer = approver_create("camille")

    def run(service, **arguments):
        """Call a service, then what it left for the commit (emails, workers' jobs)."""
        with django_capture_on_commit_callbacks(execute=True):
            return service(**arguments)

    # Images come only from the admin's upload box (no service writes them): saved as it does.
    with open("static/img/share.png", "rb") as image:
        mamat_campaign.share_image.save("share.png", File(image), save=False)
        mamat_campaign.share_image_alt = "Mamat, le visage souriant"
        mamat_campaign.share_text = "Signez pour la libération de Mamat."
        mamat_campaign.save()
        portrait = Page.objects.get(slug="mamat")
        portrait.image.save("portrait.png", File(image), save=False)
        portrait.share_image.save("partage.png", File(image), save=False)
        portrait.image_alt_fr = "Portrait de Mamat"
        portrait.image_credit_fr = "Photo : sa famille"
        portrait.seo_title_fr = "Libérez Mamat"
        portrait.save()
    page_drafts.page_draft_save(
        page=Page.objects.get(slug="camps"), values={"title_fr": "Les camps (brouillon)"}
    )

    EmailDomainRule.objects.create(
        domain="bot.example", kind=EmailDomainRule.Kind.BLOCK, note="Adresses jetables"
    )
    email_domain_rules_forget()

    def sign(first_name: str, last_name: str, email: str, *, ip="192.0.2.10", **values):
        """Sign as the form does; return the signature, pending until confirmed."""
        values = {
            "country": "FR",
            "language": "fr",
            "ip_hash": signing.signer_ip_fingerprint(ip=ip),
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            **values,
        }
        return run(
            signing.signature_create,
            petition=petition,
            first_name=first_name,
            last_name=last_name,
            email=email,
            **values,
        ).signature

    def confirm(signature: Signature) -> Signature:
        token = signature_links.confirmation_token_make(signature=signature)
        return run(signing.signature_confirm, token=token)

    everything_the_form_asks = {
        "postcode": "75011",
        "comment": "Courage à sa famille.",
        "referral_code": "amie",
        "newsletter_opt_in": True,
        "show_first_name": True,
        "name_in_delivery": True,
    }
    confirm(sign("Aynur", "Tursun", "aynur@example.org", **everything_the_form_asks))
    ilham = confirm(
        sign("Ilham", "Tursun", "ilham@example.org", country="KZ", **everything_the_form_asks)
    )
    review.signatures_flag(signatures=Signature.objects.filter(pk=ilham.pk), reason="Nom douteux")
    sign("Paul", "Martin", "paul@example.org")  # never confirmed
    sign("Jetable", "Compte", "jetable@bot.example")  # flagged: its domain is blocked
    for email in ("bot1@example.net", "bot2@example.net"):
        confirm(sign("Bot", "Robot", email, ip=BOT_IP))
    run(
        paper.paper_signatures_import,
        petition=petition,
        content=PAPER_SHEET.encode(),
        file_name="feuille-marche.csv",
        actor=manager,
        ip_hmac=ip_hmac(STAFF_IP),
    )

    # Erased after the delivery carried it: the list kept of that delivery forgets the name.
    confirm(sign("Anne", "Effacée", "effacez-moi@example.org", name_in_delivery=True))

    bots = InvalidationCriteria(ip_hash=signing.signer_ip_fingerprint(ip=BOT_IP))
    run(
        invalidations.invalidation_create,
        petition=petition,
        criteria=bots,
        reason_category=Invalidation.Reason.ONE_SOURCE,
        reason="Deux signatures en une minute d'un même réseau",
        preview=invalidations.invalidation_preview(petition=petition, criteria=bots),
        actor=manager,
    )

    embassy = petition.targets.get()
    Target.objects.filter(pk=embassy.pk).update(email="ambassade@embassy.test")
    embassy.refresh_from_db()
    address_approved(embassy)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    run(sending.delivery_send, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    run(
        delivery_reply_record,
        delivery=delivery,
        actor=manager,
        days_without_reply=30,
        summary_fr="Pas de réponse après un mois.",
        tell_signers=False,
    )
    run(
        delivery_reply_record,
        delivery=delivery,
        actor=manager,
        received_on=datetime.date(2026, 11, 20),
        summary_fr="L'ambassade dit transmettre la pétition à Pékin.",
        summary_en="The embassy says it is passing the petition on to Beijing.",
        file=ContentFile(b"%PDF-1.4 the embassy's answer", name="reponse.pdf"),
        tell_signers=True,
    )
    file_reading.delivery_signers_file_open(
        delivery=delivery, actor=officer, ip_hmac=ip_hmac(STAFF_IP)
    ).close()

    export = export_jobs.signature_export_queue(
        actor=officer,
        filters=SignatureExportFilters(petition_id=petition.pk, status=Signature.Status.CONFIRMED),
        file_format=SignatureExport.Format.XLSX,
    )
    export_jobs.signature_export_build(export_id=export.pk)

    SupporterUpdate.objects.create(
        petition=petition,
        subject_fr="Brouillon : la visite au consulat",
        body_fr="<p>Nous irons au consulat.</p>",
        created_by=writer,
    )
    sent = update_approved(petition=petition, writer=writer, approver=verified_staff_user)
    run(update_sending.update_send_start, update=sent, actor=verified_staff_user)
    # Anne, whose name the delivery carried, asks to be forgotten.
    run(
        erasure.signer_erase,
        email="effacez-moi@example.org",
        actor=officer,
        ip_hmac=ip_hmac(STAFF_IP),
    )


def _pages_of(model) -> tuple[str, str, list[str]]:
    """Return the URLs of a model's list, its add page, and the pages of the objects to open:
    the first of each state (what the world made first is filled in most), then the newest."""
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    objects = model._default_manager.order_by()
    states = [field.name for field in opts.get_fields() if field.name in STATE_FIELDS]
    chosen = []
    if states:
        chosen = list(
            objects.order_by(*states, "pk").distinct(*states).values_list("pk", flat=True)
        )
    newest = objects.order_by("-pk").values_list("pk", flat=True)[:MOST_OPENED_PER_MODEL]
    chosen += [pk for pk in newest if pk not in chosen]
    return (
        reverse(f"{name}_changelist"),
        reverse(f"{name}_add"),
        [reverse(f"{name}_change", args=[pk]) for pk in chosen[:MOST_OPENED_PER_MODEL]],
    )


def _problem(client, url: str, *, add_page_of: admin.ModelAdmin | None = None) -> str:
    """Open an admin page in French; return what went wrong, or "" if it opened.

    A 403 on the add page of an admin that forbids adding (records: the trail, deliveries,
    exports) is deliberate.
    """
    try:
        response = client.get(url, headers=FRENCH)
    except Exception:
        return traceback.format_exc(limit=-8)
    if response.status_code == 200:
        return ""
    if (
        response.status_code == 403
        and add_page_of is not None
        and not add_page_of.has_add_permission(response.wsgi_request)
    ):
        return ""
    return f"answered {response.status_code}"


def test_a_superuser_opens_every_admin_page_of_a_campaign_in_full_swing(
    world, verified_staff_client
):
    # What broke a page before: files kept in the private storages, on the objects opened.
    assert DeliveryReply.objects.get(kind=DeliveryReply.Kind.REPLY).file
    assert Delivery.objects.exclude(letter_pdf="").exclude(signatures_csv="").exists()
    assert SignatureExport.objects.get(status=SignatureExport.Status.READY).file
    assert AccessEvent.objects.exists()

    failures, opened = [], set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        changelist_url, add_url, change_urls = _pages_of(model)
        if problem := _problem(verified_staff_client, changelist_url):
            failures.append(f"{label} list {changelist_url}: {problem}")
        if problem := _problem(verified_staff_client, add_url, add_page_of=model_admin):
            failures.append(f"{label} add page {add_url}: {problem}")
        for url in change_urls:
            if problem := _problem(verified_staff_client, url):
                failures.append(f"{label} change page {url}: {problem}")
            else:
                opened.add(label)

    assert not failures, "\n\n".join(failures)
    never_opened = {model._meta.label for model in admin.site._registry} - opened
    assert never_opened == set(), "no object of these models to open: add one to the world"

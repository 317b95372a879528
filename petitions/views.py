import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import npgettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from campaign.selectors import campaign_current
from core.client_address import client_ip
from core.form_expired import when_form_expired
from core.public_cache import cache_public_page
from petitions import counter, ledger, recent_signers, selectors, signing, withdrawal_links
from petitions.forms import SignatureForm, WithdrawalLinksForm
from petitions.models import Petition, Signature
from petitions.names import name_for_greeting
from petitions.share_codes import share_code_from_query
from petitions.signature_links import (
    SignatureGone,
    SignatureLinkExpired,
    SignatureLinkInvalid,
    signature_for_confirmation,
    signature_for_withdrawal,
    withdrawal_token_make,
)

logger = logging.getLogger(__name__)


def _petition_or_404(slug: str) -> Petition:
    petition = selectors.petition_public_by_slug(slug=slug)
    if petition is None:
        raise Http404("No such petition.")
    return petition


def _petition_render(
    request: HttpRequest, petition: Petition, form: SignatureForm | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "petition": petition,
            "form": form,
            "progress": counter.petition_progress(petition=petition),
            "recent_signers": recent_signers.signers_recent(petition=petition),
            "is_open": petition.is_open_for_signing(),
            "poll_seconds": settings.SIGNATURE_COUNT_POLL_SECONDS,
        },
        status=status,
    )


@require_safe
@cache_public_page
def petition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Where shared links lead: kept in memory like the campaign's pages, a share code included.
    petition = _petition_or_404(slug)
    form = SignatureForm(
        petition=petition, initial={"referral_code": share_code_from_query(request.GET)}
    )
    return _petition_render(request, petition, form)


def signature_form_expired(request: HttpRequest, slug: str) -> HttpResponse:
    """Give the sign form back with what was typed when it failed the CSRF check.

    Nothing is signed. The page carries a fresh token, and its cookie, for the second try.
    """
    petition = selectors.petition_for_signing(slug=slug)
    if petition is None:
        raise Http404("No such petition.")
    form = SignatureForm(request.POST, petition=petition)
    form.is_valid()  # what else is wrong is said at once, in the same summary
    form.add_error(
        None,
        _(
            "Your signature is not recorded yet: your browser did not send back the cookie this"
            " site uses to protect its form. Check what you typed and press “Sign the petition”"
            " again. If this message comes back, allow cookies for this site."
        ),
    )
    return _petition_render(request, petition, form, status=403)


@when_form_expired(signature_form_expired)
@require_http_methods(["GET", "POST"])
def signature_create(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        # The address a refused form is shown at: a change of language, a reload or a
        # bookmark asks for it again, and finds the form on the petition's page.
        return redirect(reverse("petitions:detail", kwargs={"slug": slug}) + "#act-sign")
    petition = selectors.petition_for_signing(slug=slug)
    if petition is None:
        raise Http404("No such petition.")
    form = SignatureForm(request.POST, petition=petition)
    if not petition.is_open_for_signing():
        return _petition_render(request, petition, None)
    if form.is_valid():
        if form.is_bot:
            logger.info("Signature with the honeypot filled discarded.")
        else:
            try:
                signing.signature_create(
                    petition=petition,
                    language=translation.get_language(),
                    ip_hash=signing.signer_ip_fingerprint(ip=client_ip(request)),
                    user_agent=request.headers.get("User-Agent", ""),
                    **form.signature_values(),
                )
            except signing.PetitionNotOpen:
                return _petition_render(request, petition, None)
        # The same page whether the address was new, already signed or a bot's: nothing leaks.
        return redirect("petitions:signed", slug=petition.slug)
    return _petition_render(request, petition, form)


@require_safe
@cache_public_page
def signature_signed(request: HttpRequest, slug: str) -> HttpResponse:
    petition = _petition_or_404(slug)
    # The same page for every visitor, a new signer or not: the link carries no share code.
    # Every signer of a surge lands here, so it is kept in memory like the public pages.
    return render(
        request,
        "petitions/signature_signed.html",
        {
            "petition": petition,
            "share_url": f"{settings.SITE_URL}{petition.get_absolute_url()}",
            "share_text": petition.title,
        },
    )


@require_safe
@cache_public_page(seconds_setting="SIGNATURE_COUNT_CACHE_SECONDS")
@cache_control(max_age=5, public=True)
def petition_count(request: HttpRequest, slug: str) -> JsonResponse:
    # Every open page polls this: each worker answers from memory, and asks the database and
    # the cache at most once per SIGNATURE_COUNT_CACHE_SECONDS.
    petition = (
        Petition.objects.public().only("pk", "goal", "confirmed_count").filter(slug=slug).first()
    )
    if petition is None:
        raise Http404("No such petition.")
    progress = counter.petition_progress(petition=petition)
    # The word after the number follows it in the page's language: "1 signature", "2 signatures".
    label = npgettext("signature counter", "signature", "signatures", progress.count)
    return JsonResponse({"count": progress.count, "goal": progress.goal, "label": label})


def _link_problem(
    request: HttpRequest, error: Exception, *, is_withdrawal: bool = False
) -> HttpResponse:
    # An old confirmation link to a signature confirmed since: nothing is wrong, nothing to do.
    is_already_confirmed = (
        isinstance(error, SignatureLinkExpired) and error.is_confirmed and not is_withdrawal
    )
    if isinstance(error, SignatureGone):
        status = 410  # a whole link, to a signature withdrawn or erased since
    elif is_already_confirmed:
        status = 200
    elif isinstance(error, SignatureLinkInvalid):
        status = 400
    else:
        status = 200
    petition = error.petition if isinstance(error, SignatureLinkExpired) else None
    if petition is not None:
        # Where to sign again, if the petition still takes signatures.
        sign_again_petition = petition if petition.is_open_for_signing() else None
    elif type(error) is SignatureLinkInvalid and not is_withdrawal:
        # A cut confirmation link names no petition we can trust: the one the campaign's
        # pages invite people to sign is where signing again most likely leads.
        sign_again_petition = selectors.petition_open_for_campaign(campaign=campaign_current())
    else:
        sign_again_petition = None
    return render(
        request,
        "petitions/link_problem.html",
        {
            "sign_again_petition": sign_again_petition,
            "is_gone": isinstance(error, SignatureGone),
            "is_expired": isinstance(error, SignatureLinkExpired),
            "is_already_confirmed": is_already_confirmed,
            "petition": petition,
            "is_closed": isinstance(error, signing.PetitionNotOpen),
            "is_withdrawal": is_withdrawal,
        },
        status=status,
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt  # the secret link is the proof: a cookie adds nothing, and some browsers keep none
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signature_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show a Confirm button; only the POST confirms, since mail scanners follow links.

    The thank-you page greets the signer by name only while the row still holds it in the
    clear (petitions/sealing.py): once their email has gone, it holds it only if they asked
    for it to be shown.
    """
    try:
        if request.method == "POST":
            signing.signature_confirm(token=token)
            return redirect("petitions:confirm", token=token)
        signature = signature_for_confirmation(token=token)
    except (SignatureLinkInvalid, signing.PetitionNotOpen) as error:
        return _private(_link_problem(request, error))
    if signature.confirmed_at is None:
        return _private(
            render(
                request,
                "petitions/signature_confirm.html",
                {"signature": signature, "petition": signature.petition},
            )
        )
    petition = signature.petition
    share_url = f"{settings.SITE_URL}{petition.get_absolute_url()}?src={signature.share_code}"
    return _private(
        render(
            request,
            "petitions/signature_confirmed.html",
            {
                "signature": signature,
                "petition": petition,
                "greeting_name": name_for_greeting(signature.first_name),
                "is_counted": signature.status == Signature.Status.CONFIRMED,
                "progress": counter.petition_progress(petition=petition),
                "share_url": share_url,
                "share_text": petition.title,
                "share_code": signature.share_code,
                "withdraw_token": withdrawal_token_make(signature=signature),
            },
        )
    )


@csrf_exempt  # the secret link is the proof: a cookie adds nothing, and some browsers keep none
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signature_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Ask before erasing: a GET (a scanner, a preview) never deletes anything."""
    try:
        if request.method == "POST":
            signing.signature_withdraw(token=token)
            return redirect("petitions:withdrawn")
        signature = signature_for_withdrawal(token=token)
    except SignatureGone:
        # Withdrawn already (a second click, an older email): say so rather than alarm anyone.
        return _private(render(request, "petitions/signature_withdrawn.html", {"is_gone": True}))
    except SignatureLinkInvalid as error:
        # Cut by a mail program, most likely: the signature still stands, so never say it left.
        return _private(_link_problem(request, error, is_withdrawal=True))
    return _private(
        render(
            request,
            "petitions/signature_withdraw.html",
            {
                "signature": signature,
                "petition": signature.petition,
                "named_deliveries": selectors.signatures_named_deliveries(
                    signatures=Signature.objects.filter(pk=signature.pk)
                ),
            },
        )
    )


@require_safe
def signature_withdrawn(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "petitions/signature_withdrawn.html", {"is_gone": False}))


def withdrawal_links_form_expired(request: HttpRequest) -> HttpResponse:
    """Give the form back with the address typed when it failed the CSRF check: nothing sent."""
    form = WithdrawalLinksForm(request.POST)
    form.is_valid()  # what else is wrong is said at once, in the same summary
    form.add_error(
        None,
        _(
            "Nothing has been sent yet: your browser did not send back the cookie this site"
            " uses to protect its form. Check your address and press “Email me the links”"
            " again. If this message comes back, allow cookies for this site."
        ),
    )
    return _private(render(request, "petitions/withdrawal_links.html", {"form": form}, status=403))


@when_form_expired(withdrawal_links_form_expired)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdrawal_links_ask(request: HttpRequest) -> HttpResponse:
    """Ask for a fresh link to withdraw each signature an address gave.

    Whether the address signed or not, the answer is the same page, reached as fast: the
    worker alone looks it up, and emails only a mailbox that signed.
    """
    form = WithdrawalLinksForm(request.POST or None)
    if form.is_valid():
        withdrawal_links.withdrawal_links_request(
            email=form.cleaned_data["email"],
            language=translation.get_language(),
            ip_hash=signing.signer_ip_fingerprint(ip=client_ip(request)),
        )
        return redirect("petitions:withdrawal_links_sent")
    return _private(render(request, "petitions/withdrawal_links.html", {"form": form}))


@require_safe
def withdrawal_links_sent(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "petitions/withdrawal_links_sent.html"))


@require_safe
@cache_public_page
def petition_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the petition's public ledger: each signed entry, its hash and the public key."""
    petition = _petition_or_404(slug)
    return render(
        request,
        "petitions/ledger.html",
        {
            "petition": petition,
            "rows": ledger.ledger_rows(petition=petition),
            "public_keys": ledger.ledger_public_keys(),
        },
    )


@require_safe
@cache_public_page
def petition_ledger_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Serve the ledger as the JSON document scripts/verify_ledger.py checks."""
    petition = _petition_or_404(slug)
    response = JsonResponse(
        ledger.ledger_document(petition=petition), json_dumps_params={"indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{petition.slug}.json"'
    return response

from django.urls import path

from petitions import views

app_name = "petitions"

urlpatterns = [
    path("confirm/<str:token>/", views.signature_confirm, name="confirm"),
    path("withdraw/<str:token>/", views.signature_withdraw, name="withdraw"),
    path("withdrawn/", views.signature_withdrawn, name="withdrawn"),
    # Not under withdraw/, whose next segment is a secret token (core/log_redaction.py).
    path("withdrawal-link/", views.withdrawal_links_ask, name="withdrawal_links"),
    path("withdrawal-link/sent/", views.withdrawal_links_sent, name="withdrawal_links_sent"),
    # Every address above is refused as a petition's slug (petitions/petition_addresses.py).
    path("<slug:slug>/", views.petition_detail, name="detail"),
    path("<slug:slug>/sign/", views.signature_create, name="sign"),
    path("<slug:slug>/signed/", views.signature_signed, name="signed"),
    path("<slug:slug>/count.json", views.petition_count, name="count"),
    path("<slug:slug>/ledger/", views.petition_ledger, name="ledger"),
    path("<slug:slug>/ledger.json", views.petition_ledger_json, name="ledger_json"),
]

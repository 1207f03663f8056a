"""Careers tab, job listings, the Report-something page, an organisation's profile settings and the
myth-busting card maker."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openhouse.accounts.models import Account
from openhouse.careers import queries as careers_queries
from openhouse.careers import services as careers
from openhouse.careers.models import ProfileSettings
from openhouse.core.errors import Invalid
from openhouse.posts.access import viewable_account
from openhouse.web.decorators import team_member_required
from openhouse.web.forms import ListingForm, MythCardForm, ProfileSettingsForm, add_invalid
from openhouse.web.team import holds_role


def _organisation(request: HttpRequest, handle: str) -> Account:
    account = viewable_account(viewer=request.user, handle=handle)
    if not account.is_organisation:
        raise Http404()
    return account


@require_GET
def careers_tab(request: HttpRequest, handle: str) -> HttpResponse:
    account = _organisation(request, handle)
    return render(
        request,
        "web/careers/tab.html",
        {
            "account": account,
            "listings": careers_queries.open_listings(organisation=account),
            "settings_row": careers_queries.profile_settings(organisation=account),
            "can_list": holds_role(request.user, account, careers.LISTING_ROLES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@team_member_required(*careers.LISTING_ROLES)
def new_listing(request: HttpRequest, organisation: Account) -> HttpResponse:
    account = organisation
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            careers.create_listing(actor=request.user, organisation=account, **form.cleaned_data)
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            messages.success(request, "Listing published on the Careers tab.")
            return redirect("careers", handle=account.handle)
    return render(
        request,
        "web/careers/new.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@team_member_required(*careers.LISTING_ROLES)
def withdraw_listing(request: HttpRequest, organisation: Account, listing_id: str) -> HttpResponse:
    account = organisation
    listing = careers_queries.listing_of(organisation=account, listing_id=listing_id)
    careers.withdraw_listing(actor=request.user, listing=listing)
    messages.success(request, "Listing withdrawn.")
    return redirect("careers", handle=account.handle)


@require_GET
def report_something(request: HttpRequest, handle: str) -> HttpResponse:
    account = _organisation(request, handle)
    return render(
        request,
        "web/careers/report.html",
        {"account": account, "settings_row": careers_queries.profile_settings(organisation=account)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@team_member_required(*careers.SETTINGS_ROLES)
def profile_settings(request: HttpRequest, organisation: Account) -> HttpResponse:
    account = organisation
    row = careers_queries.profile_settings(organisation=account) or ProfileSettings()
    initial = {
        f: getattr(row, f)
        for f in ("careers_url", "secure_channel_url", "colour_background", "colour_text", "colour_accent")
    }
    form = ProfileSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            careers.update_profile_settings(actor=request.user, organisation=account, **form.cleaned_data)
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            messages.success(request, "Profile settings saved.")
            return redirect("profile", handle=account.handle)
    return render(
        request,
        "web/careers/settings.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@team_member_required(*careers.CARD_ROLES)
def myth_card(request: HttpRequest, organisation: Account) -> HttpResponse:
    """Type a myth and its reality, see the card. It becomes a post through the draft and review flow."""
    account = organisation
    form = MythCardForm(request.POST or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "draft":
                draft = careers.start_myth_card_draft(
                    actor=request.user, organisation=account, **form.cleaned_data
                )
                messages.success(request, "Card saved as a draft. Add a caption, then send it for review.")
                return redirect("studio-draft", handle=account.handle, draft_id=draft.pk)
            jpeg = careers.myth_card(actor=request.user, organisation=account, **form.cleaned_data)
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            preview = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
    return render(
        request,
        "web/careers/myth_card.html",
        {"form": form, "account": account, "preview": preview},
        status=400 if form.errors else 200,
    )

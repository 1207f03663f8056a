"""Highlights: the full-screen viewer, and the curation forms of an account's team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openhouse.accounts.models import Account
from openhouse.core.errors import Invalid, NotFound
from openhouse.core.ids import parse_id
from openhouse.posts import queries
from openhouse.posts import services as posts
from openhouse.posts.access import viewable_account, viewable_highlight, viewable_post
from openhouse.web.forms import HighlightForm, add_invalid
from openhouse.web.team import team_gate


def _curator_gate(request: HttpRequest, account: Account) -> HttpResponse | None:
    """A person curates their own highlights; an organisation's go through the team gate."""
    if account.is_organisation:
        return team_gate(request, account, posts.CURATOR_ROLES)
    if request.user.pk != account.pk:
        raise NotFound()
    return None


@require_GET
def viewer(request: HttpRequest, handle: str, highlight_id: str) -> HttpResponse:
    """One item at a time, full screen; ?i= picks the item (links work without the script)."""
    highlight = viewable_highlight(viewer=request.user, highlight_id=highlight_id)
    if highlight.account.handle != handle.lower():
        raise NotFound()
    items = queries.highlight_items(viewer=request.user, highlight=highlight)
    raw = request.GET.get("i", "0")
    index = parse_id(raw, max_digits=4) or 0
    index = min(index, max(len(items) - 1, 0))
    return render(
        request,
        "web/highlights/viewer.html",
        {
            "highlight": highlight,
            "account": highlight.account,
            "items": items,
            "item": items[index] if items else None,
            "index": index,
            "prev": index - 1 if index > 0 else None,
            "next": index + 1 if index + 1 < len(items) else None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, handle: str) -> HttpResponse:
    account = viewable_account(viewer=request.user, handle=handle)
    if refused := _curator_gate(request, account):
        return refused
    form = HighlightForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            posts.create_highlight(
                actor=request.user,
                account=account,
                title=form.cleaned_data["title"],
                cover=form.cleaned_data["cover"],
            )
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            messages.success(request, "Highlight added. Add posts to it from their pages.")
            return redirect("highlights-manage", handle=account.handle)
    return render(
        request,
        "web/highlights/manage.html",
        {
            "account": account,
            "form": form,
            "highlights": queries.profile_highlights(viewer=request.user, account=account),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def change(request: HttpRequest, handle: str, highlight_id: str, action: str) -> HttpResponse:
    highlight = viewable_highlight(viewer=request.user, highlight_id=highlight_id)
    if refused := _curator_gate(request, highlight.account):
        return refused
    if action == "delete":
        posts.delete_highlight(actor=request.user, highlight=highlight)
        messages.success(request, f"Highlight “{highlight.title}” deleted.")
    else:
        posts.move_highlight(actor=request.user, highlight=highlight, offset=-1 if action == "up" else 1)
    return redirect("highlights-manage", handle=highlight.account.handle)


@login_required
@require_POST
def add_post(request: HttpRequest, post_id: str) -> HttpResponse:
    post = viewable_post(viewer=request.user, post_id=post_id)
    highlight = viewable_highlight(viewer=request.user, highlight_id=request.POST.get("highlight", ""))
    if refused := _curator_gate(request, highlight.account):
        return refused
    try:
        posts.add_to_highlight(actor=request.user, highlight=highlight, post_id=post.pk)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Added to “{highlight.title}”.")
    return redirect("post", post_id=post.pk)

"""Web pages and actions between people: follow, block, mute, like, comment, notifications.

Every action is a POST form that works without JavaScript (it redirects back); the page script sends the
same forms with fetch and asks for JSON to update in place (likes, double-tap).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from openhouse.core.errors import Invalid, NotFound
from openhouse.core.ids import parse_id
from openhouse.posts import services as posts
from openhouse.posts.access import can_see_posts_of, viewable_account, viewable_post
from openhouse.social import queries
from openhouse.social import services as social
from openhouse.social.models import Comment
from openhouse.web import team


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def relationship_action(request: HttpRequest, handle: str, action: str) -> HttpResponse:
    target = viewable_account(viewer=request.user, handle=handle)
    verbs = {
        "follow": social.follow,
        "unfollow": social.unfollow,
        "block": social.block,
        "unblock": social.unblock,
        "mute": social.mute,
        "unmute": social.unmute,
    }
    try:
        verbs[action](actor=request.user, target=target)
    except Invalid as exc:
        messages.error(request, exc.message)
    if action == "block":
        messages.success(
            request, f"You blocked @{target.handle}. They can't see your posts or find your profile."
        )
        return redirect("home")
    return _back(request, reverse("profile", args=[target.handle]))


@login_required
@require_POST
def answer_request(request: HttpRequest, handle: str, answer: str) -> HttpResponse:
    requester = viewable_account(viewer=request.user, handle=handle)
    social.answer_follow_request(actor=request.user, requester=requester, approve=answer == "approve")
    return _back(request, reverse("follow-requests"))


@login_required
@require_GET
def follow_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/people.html",
        {
            "title": "Follow requests",
            "people": queries.follow_requests(account=request.user),
            "requests": True,
            "empty": "No one is waiting for an answer.",
        },
    )


@require_GET
def people(request: HttpRequest, handle: str, which: str) -> HttpResponse:
    account = viewable_account(viewer=request.user, handle=handle)
    if not can_see_posts_of(viewer=request.user, account=account):
        raise NotFound()
    listing = (
        queries.followers(viewer=request.user, account=account)
        if which == "followers"
        else queries.following(viewer=request.user, account=account)
    )
    title = f"People following @{account.handle}" if which == "followers" else f"@{account.handle} follows"
    return render(request, "web/people.html", {"title": title, "people": listing, "empty": "No one yet."})


@login_required
@require_POST
def like(request: HttpRequest, post_id: str, action: str) -> HttpResponse:
    if action == "like":
        social.like_post(actor=request.user, post_id=post_id)
    else:
        social.unlike_post(actor=request.user, post_id=post_id)
    if _wants_json(request):
        stats = queries.one_post_stats(viewer=request.user, post_id=post_id, seen=True)  # the service looked
        return JsonResponse({"liked": stats.liked, "likes": stats.likes})
    return _back(request, reverse("post", args=[post_id]))


@require_GET
def liked_by(request: HttpRequest, post_id: str) -> HttpResponse:
    post = viewable_post(viewer=request.user, post_id=post_id)
    return render(
        request,
        "web/people.html",
        {
            "title": "Likes",
            "people": queries.liked_by(viewer=request.user, post=post),
            "empty": "No likes yet.",
        },
    )


@login_required
@require_POST
def comment(request: HttpRequest, post_id: str) -> HttpResponse:
    parent = request.POST.get("parent", "")
    try:
        made = social.add_comment(
            actor=request.user,
            post_id=post_id,
            body=request.POST.get("body", "")[:5000],
            parent_id=parse_id(parent),
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect(reverse("post", args=[post_id]) + "#comment-form")
    return redirect(reverse("post", args=[post_id]) + f"#c{made.pk}")


def _comment(request: HttpRequest, comment_id: str) -> Comment:
    pk = parse_id(comment_id)
    found = (
        None if pk is None else Comment.objects.select_related("post__author", "author").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound()
    viewable_post(viewer=request.user, post_id=found.post_id)
    return found


@login_required
@require_POST
def comment_action(request: HttpRequest, comment_id: str, action: str) -> HttpResponse:
    target = _comment(request, comment_id)
    as_owner = action != "delete" or target.author_id != request.user.pk
    if as_owner and (refused := team.owner_gate(request, target.post, posts.MODERATOR_ROLES)):
        return refused
    try:
        if action == "delete":
            social.delete_comment(actor=request.user, comment=target)
        else:
            social.set_pinned(actor=request.user, comment=target, pinned=action == "pin")
    except Invalid as exc:
        messages.error(request, exc.message)
    return redirect(reverse("post", args=[target.post_id]) + "#comments")


@login_required
@require_POST
def comments_switch(request: HttpRequest, post_id: str) -> HttpResponse:
    post = viewable_post(viewer=request.user, post_id=post_id)
    if refused := team.owner_gate(request, post, posts.MODERATOR_ROLES):
        return refused
    social.set_comments_enabled(actor=request.user, post=post, enabled=request.POST.get("enabled") == "on")
    return redirect("post", post_id=post.pk)


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/notifications.html", {"groups": queries.notification_groups(viewer=request.user)}
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    social.mark_notifications_read(actor=request.user)
    return redirect("notifications")

"""Web pages. Each view parses input, asks one access function, calls one service, renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openhouse.accounts import services as accounts
from openhouse.accounts.services import has_two_factor
from openhouse.careers import queries as careers_queries
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid, NotFound
from openhouse.core.ids import parse_id
from openhouse.feeds.services import home_feed
from openhouse.media import services as media
from openhouse.media.access import own_unattached
from openhouse.posts import queries
from openhouse.posts import services as posts
from openhouse.posts.access import can_see_posts_of, viewable_account, viewable_post, viewable_posts
from openhouse.posts.models import Post
from openhouse.social import queries as social_queries
from openhouse.web import team
from openhouse.web.forms import ComposeForm, ProfileForm, SignUpForm, UploadForm, add_invalid
from openhouse.web.security_views import start_code_step

FEED_PAGE = 12


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return parse_id(raw)


def _with_stats(request: HttpRequest, posts: list[Post]) -> list[Post]:
    """Attach each post's exact counts and the viewer's like, for the action bar (two queries)."""
    stats = social_queries.post_stats(viewer=request.user, posts=posts)
    for post in posts:
        post.stats = stats[post.pk]  # type: ignore[attr-defined]
    return posts


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The page of a 404 Django makes itself (no route matched, Http404): the same as a service's NotFound
    gets (DomainErrorMiddleware), so an absent thing and a hidden one look alike."""
    return render(
        request, "web/error.html", {"title": "Page not found", "message": NotFound().message}, status=404
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the home feed. Otherwise the newest public posts, with an invitation to join."""
    before = _before(request)
    if request.user.is_authenticated:
        page = home_feed(viewer=request.user, before=before, limit=FEED_PAGE)
        queries.prefetch_media(page)
    else:
        posts_qs = viewable_posts(viewer=request.user).select_related("author").order_by("-id")
        if before is not None:
            posts_qs = posts_qs.filter(pk__lt=before)
        page = list(queries.with_media(posts_qs)[:FEED_PAGE])
    more = page[-1].pk if len(page) == FEED_PAGE else None
    return render(request, "web/home.html", {"posts": _with_stats(request, page), "more": more})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit("signup-ip", request.client_ip, limit=10, window=3600)  # type: ignore[attr-defined]
            account = accounts.sign_up(**form.cleaned_data)
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            auth_login(request, account, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, "Welcome to openhouse. Add a photo and a bio so people know it's you.")
            return redirect("edit-profile")
    return render(request, "web/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's login, throttled per client address and per account name before the password is checked."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        login_name = request.POST.get("username", "")[:254].strip().lower()
        ratelimit.hit("login-ip", request.client_ip, limit=30, window=300)  # type: ignore[attr-defined]
        if login_name:
            ratelimit.hit("login-account", login_name, limit=10, window=900)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """An account with an authenticator app is not logged in yet: the code step comes first."""
        account = form.get_user()
        if not has_two_factor(account):
            return super().form_valid(form)
        start_code_step(self.request, account, account.backend)
        return redirect(f"{reverse('login-code')}?{urlencode({'next': self.get_success_url()})}")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/password_reset.html"
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        ratelimit.hit("reset-ip", request.client_ip, limit=10, window=3600)  # type: ignore[attr-defined]
        email = request.POST.get("email", "")[:254].strip().lower()
        if email:
            ratelimit.hit("reset-account", email, limit=3, window=3600)
        return super().post(request, *args, **kwargs)


@require_GET
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    account = viewable_account(viewer=request.user, handle=handle)
    visible = can_see_posts_of(viewer=request.user, account=account)
    grid = queries.profile_grid(viewer=request.user, account=account, before=_before(request))
    relation = None
    if request.user.is_authenticated and request.user.pk != account.pk:
        relation = social_queries.relationship(viewer=request.user, account=account)
    team_roles = team.roles_of(request.user, account)
    return render(
        request,
        "web/profile.html",
        {
            "account": account,
            "highlights": queries.profile_highlights(viewer=request.user, account=account, visible=visible),
            "settings_row": careers_queries.profile_settings(organisation=account),
            "team_roles": team_roles,
            "team_tools": team.team_tools(account, team_roles),
            "relation": relation,
            "grid": grid,
            "posts_visible": visible,
            "post_count": queries.post_count(account=account),
            "more": grid[-1].pk if len(grid) == queries.GRID_PAGE else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    account = request.user
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={f: getattr(account, f) for f in ("display_name", "bio", "link", "is_private")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                accounts.update_profile(
                    actor=account,
                    account=account,
                    display_name=data["display_name"],
                    bio=data["bio"],
                    link=data["link"],
                    is_private=data["is_private"],
                )
                media.replace_avatar(
                    actor=account,
                    account=account,
                    upload=data["avatar"] or None,
                    remove=data["remove_avatar"],
                )
        except Invalid as exc:
            account.refresh_from_db()
            form.add_error("avatar" if exc.field is None else exc.field, exc.message)
        else:
            messages.success(request, "Profile saved.")
            return redirect("profile", handle=account.handle)
    return render(request, "web/edit_profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def new_post(request: HttpRequest) -> HttpResponse:
    """Step 1: choose photos. They are cleaned and stored unattached, then composed in step 2."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            items = media.store_photos(owner=request.user, uploads=form.cleaned_data["photos"])
        except Invalid as exc:
            form.add_error("photos", exc.message)
        else:
            return redirect(reverse("compose") + "?m=" + ",".join(str(i.pk) for i in items))
    return render(request, "web/new_post.html", {"form": form}, status=400 if form.errors else 200)


def _media_ids(raw: str) -> list[int]:
    ids = [parse_id(p) for p in raw.split(",")]
    if len(ids) > 10 or None in ids:
        raise NotFound("These photos aren't available any more. Choose them again.")
    return ids  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """Step 2: order the photos, describe each, write the caption, share."""
    items = own_unattached(owner=request.user, ids=_media_ids(request.GET.get("m", "")))
    form = ComposeForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        ids, alts = form.ordered_ids_and_alts()
        try:
            post = posts.create_post(
                author=request.user, media_ids=ids, caption=form.cleaned_data["caption"], alt_texts=alts
            )
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            return redirect("post", post_id=post.pk)
    return render(
        request, "web/compose.html", {"form": form, "items": items}, status=400 if form.errors else 200
    )


@require_GET
def post_detail(request: HttpRequest, post_id: str) -> HttpResponse:
    post = queries.post_with_media(viewable_post(viewer=request.user, post_id=post_id))
    _with_stats(request, [post])
    comments = social_queries.comments_for(viewer=request.user, post=post)
    owner = request.user == post.author
    roles = team.roles_of(request.user, post.author)
    curatable = []
    if owner or roles & set(posts.CURATOR_ROLES):
        curatable = list(post.author.highlights.all())
    context = {
        "post": post,
        "comments": comments,
        "highlights": curatable,
        "moderates": owner or bool(roles & set(posts.MODERATOR_ROLES)),
        "takes_down": owner or bool(roles & set(posts.TAKEDOWN_ROLES)),
    }
    return render(request, "web/post.html", context)


@login_required
@require_POST
def delete_post(request: HttpRequest, post_id: str) -> HttpResponse:
    post = viewable_post(viewer=request.user, post_id=post_id)
    if refused := team.owner_gate(request, post, posts.TAKEDOWN_ROLES):
        return refused
    posts.delete_post(actor=request.user, post=post)
    messages.success(request, "Post deleted.")
    return redirect("profile", handle=post.author.handle)


_CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


@require_GET
@cache_control(public=True, max_age=31536000, immutable=True)
def media_file(request: HttpRequest, kind: str, shard: str, key: str, name: str, ext: str) -> FileResponse:
    """Local-disk media (the embedded default). The URL pattern admits only server-generated names."""
    path = f"{kind}/{shard}/{key}/{name}.{ext}"
    if settings.MEDIA_STORAGE != "local" or key[:2] != shard:
        raise Http404()
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, content_type=_CONTENT_TYPES[ext])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response

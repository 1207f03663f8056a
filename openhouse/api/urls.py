"""URL tables of the API: OAuth, the Mastodon client API (one path a line, by resource), openhouse's own."""

from django.urls import include, path, re_path
from oauth2_provider import views as oauth_views

from openhouse.api import oauth
from openhouse.api.mastodon import accounts, instance, statuses, timelines
from openhouse.api.rest import api as openhouse_api


def route(pattern: str, view, name: str):
    """Mastodon's paths, with or without a trailing slash (clients send both)."""
    return re_path(f"^{pattern}/?$", view, name=name)


oauth_patterns = [
    path("authorize", oauth.AuthorizeView.as_view(), name="authorize"),
    path("token", oauth_views.TokenView.as_view(), name="token"),
    path("revoke", oauth.RevokeView.as_view(), name="revoke-token"),
]

ACCOUNT = "v1/accounts/(?P<account_id>[0-9]{1,19})"
STATUS = "v1/statuses/(?P<status_id>[0-9]{1,19})"
NOTIFICATION = "v1/notifications/(?P<notification_id>[0-9]{1,19})"

mastodon_patterns = [
    # apps and instance
    route("v1/apps", instance.create_app, name="apps"),
    route("v1/instance", instance.instance_v1, name="instance-v1"),
    route("v2/instance", instance.instance_v2, name="instance-v2"),
    # accounts
    route("v1/accounts/verify_credentials", accounts.verify_credentials, name="verify-credentials"),
    route("v1/accounts/update_credentials", accounts.update_credentials, name="update-credentials"),
    route("v1/accounts/lookup", accounts.lookup, name="account-lookup"),
    route("v1/accounts/relationships", accounts.relationships, name="relationships"),
    route(ACCOUNT, accounts.account, name="account"),
    route(f"{ACCOUNT}/statuses", accounts.statuses, name="account-statuses"),
    route(f"{ACCOUNT}/followers", accounts.followers, name="followers"),
    route(f"{ACCOUNT}/following", accounts.following, name="following"),
    route(f"{ACCOUNT}/follow", accounts.follow, name="follow"),
    route(f"{ACCOUNT}/unfollow", accounts.unfollow, name="unfollow"),
    route(f"{ACCOUNT}/block", accounts.block, name="block"),
    route(f"{ACCOUNT}/unblock", accounts.unblock, name="unblock"),
    route(f"{ACCOUNT}/mute", accounts.mute, name="mute"),
    route(f"{ACCOUNT}/unmute", accounts.unmute, name="unmute"),
    # statuses
    route("v1/statuses", statuses.create, name="statuses"),
    route(STATUS, statuses.status, name="status"),
    route(f"{STATUS}/context", statuses.context, name="context"),
    route(f"{STATUS}/favourite", statuses.favourite, name="favourite"),
    route(f"{STATUS}/unfavourite", statuses.unfavourite, name="unfavourite"),
    route(f"{STATUS}/favourited_by", statuses.favourited_by, name="favourited-by"),
    route("v1/favourites", statuses.favourites, name="favourites"),
    # media
    route("v1/media", statuses.upload, name="media-v1"),
    route("v2/media", statuses.upload, name="media"),
    route("v1/media/(?P<media_id>[0-9]{1,19})", statuses.media_item, name="media-item"),
    # timelines
    route("v1/timelines/home", timelines.home, name="home"),
    route("v1/timelines/public", timelines.public, name="public"),
    route("v1/timelines/tag/(?P<name>[^/]{1,100})", timelines.tag, name="tag"),
    # notifications
    route("v1/notifications", timelines.notifications, name="notifications"),
    route("v1/notifications/clear", timelines.clear, name="notifications-clear"),
    route(NOTIFICATION, timelines.notification, name="notification"),
    route(f"{NOTIFICATION}/dismiss", timelines.dismiss, name="dismiss"),
    # markers and search
    route("v1/markers", timelines.markers, name="markers"),
    route("v2/search", timelines.search, name="search"),
]

urlpatterns = [
    path("oauth/", include((oauth_patterns, "oauth2_provider"))),
    path(".well-known/oauth-authorization-server", oauth.authorization_server, name="oauth-metadata"),
    path("api/openhouse/v1/", openhouse_api.urls),
    path("api/", include((mastodon_patterns, "mastodon"))),
]

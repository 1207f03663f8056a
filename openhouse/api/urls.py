"""URL tables of the API: OAuth, the Mastodon client API (one path a line, by resource), openhouse's own."""

from django.urls import include, path, re_path
from oauth2_provider import views as oauth_views

from openhouse.api import oauth
from openhouse.api.mastodon import accounts, instance, statuses, timelines

ID = r"(?P<{}>[0-9]{{1,19}})"

oauth_patterns = [
    path("authorize", oauth.AuthorizeView.as_view(), name="authorize"),
    path("token", oauth_views.TokenView.as_view(), name="token"),
    path("revoke", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
]

mastodon_patterns = [
    # apps and instance
    path("v1/apps", instance.create_app, name="apps"),
    path("v1/instance", instance.instance_v1, name="instance-v1"),
    path("v2/instance", instance.instance_v2, name="instance-v2"),
    # accounts
    path("v1/accounts/verify_credentials", accounts.verify_credentials, name="verify-credentials"),
    path("v1/accounts/update_credentials", accounts.update_credentials, name="update-credentials"),
    path("v1/accounts/lookup", accounts.lookup, name="account-lookup"),
    path("v1/accounts/relationships", accounts.relationships, name="relationships"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "$", accounts.account, name="account"),
    re_path(
        r"^v1/accounts/" + ID.format("account_id") + "/statuses$", accounts.statuses, name="account-statuses"
    ),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/followers$", accounts.followers, name="followers"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/following$", accounts.following, name="following"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/follow$", accounts.follow, name="follow"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/unfollow$", accounts.unfollow, name="unfollow"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/block$", accounts.block, name="block"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/unblock$", accounts.unblock, name="unblock"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/mute$", accounts.mute, name="mute"),
    re_path(r"^v1/accounts/" + ID.format("account_id") + "/unmute$", accounts.unmute, name="unmute"),
    # statuses
    path("v1/statuses", statuses.create, name="statuses"),
    re_path(r"^v1/statuses/" + ID.format("status_id") + "$", statuses.status, name="status"),
    re_path(r"^v1/statuses/" + ID.format("status_id") + "/context$", statuses.context, name="context"),
    re_path(r"^v1/statuses/" + ID.format("status_id") + "/favourite$", statuses.favourite, name="favourite"),
    re_path(
        r"^v1/statuses/" + ID.format("status_id") + "/unfavourite$", statuses.unfavourite, name="unfavourite"
    ),
    re_path(
        r"^v1/statuses/" + ID.format("status_id") + "/favourited_by$",
        statuses.favourited_by,
        name="favourited-by",
    ),
    path("v1/favourites", statuses.favourites, name="favourites"),
    # media
    path("v1/media", statuses.upload, name="media-v1"),
    path("v2/media", statuses.upload, name="media"),
    re_path(r"^v1/media/" + ID.format("media_id") + "$", statuses.media_item, name="media-item"),
    # timelines
    path("v1/timelines/home", timelines.home, name="home"),
    path("v1/timelines/public", timelines.public, name="public"),
    re_path(r"^v1/timelines/tag/(?P<name>[^/]{1,100})$", timelines.tag, name="tag"),
    # notifications
    path("v1/notifications", timelines.notifications, name="notifications"),
    path("v1/notifications/clear", timelines.clear, name="notifications-clear"),
    re_path(
        r"^v1/notifications/" + ID.format("notification_id") + "$",
        timelines.notification,
        name="notification",
    ),
    re_path(
        r"^v1/notifications/" + ID.format("notification_id") + "/dismiss$", timelines.dismiss, name="dismiss"
    ),
    # markers and search
    path("v1/markers", timelines.markers, name="markers"),
    path("v2/search", timelines.search, name="search"),
]

urlpatterns = [
    path("oauth/", include((oauth_patterns, "oauth2_provider"))),
    path(".well-known/oauth-authorization-server", oauth.authorization_server, name="oauth-metadata"),
    path("api/", include((mastodon_patterns, "mastodon"))),
]

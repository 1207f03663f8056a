from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from openhouse.web import (
    careers_views,
    discovery_views,
    highlight_views,
    qa_views,
    security_views,
    social_views,
    team_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", security_views.login_code, name="login-code"),
    path("accounts/security/", security_views.security, name="security"),
    path("accounts/security/two-factor/start/", security_views.two_factor_start, name="two-factor-start"),
    path("accounts/security/two-factor/", security_views.two_factor_setup, name="two-factor-setup"),
    path("accounts/security/two-factor/off/", security_views.two_factor_disable, name="two-factor-disable"),
    path("accounts/security/recovery-codes/", security_views.recovery_codes, name="recovery-codes"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/edit/", views.edit_profile, name="edit-profile"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="web/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="web/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    re_path(
        r"^accounts/invitations/(?P<token>[A-Za-z0-9_-]{20,100})/$", team_views.invitation, name="invitation"
    ),
    path("new/", views.new_post, name="new-post"),
    path("new/compose/", views.compose, name="compose"),
    path("p/<str:post_id>/", views.post_detail, name="post"),
    path("p/<str:post_id>/delete/", views.delete_post, name="delete-post"),
    re_path(r"^p/(?P<post_id>[0-9]{1,19})/(?P<action>like|unlike)/$", social_views.like, name="like"),
    path("p/<str:post_id>/likes/", social_views.liked_by, name="liked-by"),
    path("p/<str:post_id>/comments/", social_views.comment, name="comment"),
    path("p/<str:post_id>/comments/switch/", social_views.comments_switch, name="comments-switch"),
    re_path(
        r"^c/(?P<comment_id>[0-9]{1,19})/(?P<action>delete|pin|unpin)/$",
        social_views.comment_action,
        name="comment-action",
    ),
    path("notifications/", social_views.notifications, name="notifications"),
    path("notifications/read/", social_views.notifications_read, name="notifications-read"),
    path("accounts/requests/", social_views.follow_requests, name="follow-requests"),
    re_path(
        r"^accounts/requests/(?P<handle>[A-Za-z0-9._]{1,30})/(?P<answer>approve|decline)/$",
        social_views.answer_request,
        name="answer-request",
    ),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/$", qa_views.session_page, name="qa-session"),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/ask/$", qa_views.ask, name="qa-ask"),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/live/$", qa_views.live_answers, name="qa-live"),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/moderate/$", qa_views.moderate_page, name="qa-moderate"),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/pin/$", qa_views.pin, name="qa-pin"),
    re_path(r"^qa/(?P<session_id>[0-9]{1,19})/close/$", qa_views.close, name="qa-close"),
    re_path(r"^qa/q/(?P<question_id>[0-9]{1,19})/(?P<action>vote|unvote)/$", qa_views.vote, name="qa-vote"),
    re_path(
        r"^qa/q/(?P<question_id>[0-9]{1,19})/(?P<action>approve|hide|mark_answered)/$",
        qa_views.moderate,
        name="qa-moderate-question",
    ),
    re_path(r"^qa/q/(?P<question_id>[0-9]{1,19})/answer/$", qa_views.answer, name="qa-answer"),
    re_path(r"^p/(?P<post_id>[0-9]{1,19})/highlight/$", highlight_views.add_post, name="highlight-add-post"),
    path("tags/<str:name>/", discovery_views.hashtag, name="hashtag"),
    path("explore/", discovery_views.explore, name="explore"),
    path("search/", discovery_views.search, name="search"),
    re_path(
        r"^media/(?P<kind>[ma])/(?P<shard>[A-Za-z0-9_-]{2})/(?P<key>[A-Za-z0-9_-]{20,40})/"
        r"(?P<name>w1080|w640|sq400|s320|s150)\.(?P<ext>webp|jpg)$",
        views.media_file,
        name="media-file",
    ),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/$", views.profile, name="profile"),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/qa/$", qa_views.sessions, name="qa-sessions"),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/qa/new/$", qa_views.new_session, name="qa-new"),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/careers/$", careers_views.careers_tab, name="careers"),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/careers/new/$", careers_views.new_listing, name="careers-new"),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/careers/(?P<listing_id>[0-9]{1,19})/withdraw/$",
        careers_views.withdraw_listing,
        name="careers-withdraw",
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/report/$", careers_views.report_something, name="report-something"
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/settings/$",
        careers_views.profile_settings,
        name="profile-settings",
    ),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/myth-card/$", careers_views.myth_card, name="myth-card"),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/highlights/$", highlight_views.manage, name="highlights-manage"
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/highlights/(?P<highlight_id>[0-9]{1,19})/$",
        highlight_views.viewer,
        name="highlight",
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/highlights/(?P<highlight_id>[0-9]{1,19})/(?P<action>up|down|delete)/$",
        highlight_views.change,
        name="highlight-change",
    ),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/$", team_views.team, name="team"),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/invite/$", team_views.invite, name="team-invite"),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/invitations/(?P<invitation_id>[0-9]{1,18})/revoke/$",
        team_views.revoke_invitation,
        name="team-invitation-revoke",
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/members/(?P<member_handle>[A-Za-z0-9._]{1,30})/roles/$",
        team_views.member_roles,
        name="team-member-roles",
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/members/(?P<member_handle>[A-Za-z0-9._]{1,30})/remove/$",
        team_views.remove_member,
        name="team-member-remove",
    ),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/labels/$", team_views.add_label, name="team-labels"),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/labels/(?P<label_id>[0-9]{1,18})/"
        r"(?P<action>rename|up|down|delete)/$",
        team_views.label_action,
        name="team-label",
    ),
    re_path(r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/audit/$", team_views.audit_log, name="team-audit"),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/team/audit\.csv$", team_views.audit_csv, name="team-audit-csv"
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/(?P<which>followers|following)/$",
        social_views.people,
        name="people",
    ),
    re_path(
        r"^(?P<handle>[A-Za-z0-9._]{1,30})/(?P<action>follow|unfollow|block|unblock|mute|unmute)/$",
        social_views.relationship_action,
        name="relationship",
    ),
]

"""django.contrib.admin with openhouse's site (web/admin_site.py). Kept apart from the site itself: an app
config is imported before the models are ready, and the site needs them."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "openhouse.web.admin_site.TwoFactorAdminSite"

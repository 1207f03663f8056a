from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The site admin (openhouse.web.admin_site) is entered through the site's log-in and a two-factor code.
    path("admin/", admin.site.urls),
    path("", include("openhouse.api.urls")),
    path("", include("openhouse.web.urls")),
]

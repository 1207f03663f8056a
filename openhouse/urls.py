from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from openhouse.api.http import error_response
from openhouse.api.middleware import PREFIXES as API_PREFIXES
from openhouse.core.errors import NotFound
from openhouse.web import views as web_views

urlpatterns = [
    # The site admin (openhouse.web.admin_site) is entered through the site's log-in and a two-factor code.
    path("admin/", admin.site.urls),
    path("", include("openhouse.api.urls")),
    path("", include("openhouse.web.urls")),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 Django makes itself (no route matched, Http404), as each adapter answers a NotFound: the
    API's JSON error under its paths, the site's page elsewhere."""
    if request.path.startswith(API_PREFIXES):
        return error_response(NotFound())
    return web_views.not_found(request, exception)


handler404 = not_found

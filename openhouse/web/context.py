"""Template context every page needs: the signed-in person's unread notifications (one query, if shown)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from openhouse.social.queries import unread_count


def header(request: HttpRequest) -> dict:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(viewer=request.user))}

"""Log in with a handle or an e-mail address, case-insensitively.

Unknown accounts still run the password hasher, so the response time does not tell them apart from
wrong passwords.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from openhouse.accounts.models import Account


class HandleOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ) -> Account | None:
        if not username or password is None:
            return None
        login = username.strip().lstrip("@")
        account = (
            Account.objects.filter(Q(handle=login.lower()) | (Q(email__iexact=login) & ~Q(email="")))
            .order_by("pk")
            .first()
        )
        if account is None:
            Account().set_password(password)
            return None
        if account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None

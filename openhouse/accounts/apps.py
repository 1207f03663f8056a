from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openhouse.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

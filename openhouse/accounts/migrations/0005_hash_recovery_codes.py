"""Recovery codes were stored as typed; from now on only a keyed hash of each is (twofactor.stored_form).

The computation is repeated here, not imported, so this migration keeps doing what it did. A stored hash
is 16 hex digits and a code as typed 10 characters, so running it twice changes nothing. Run it with the
app servers' own OPENHOUSE_SECRET_KEY (the hashes are keyed with it). Going back deletes the recovery codes
(people make new ones on their security page): the earlier code would take a stored hash for a code.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "openhouse.recovery-code"


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$").iterator():  # noqa: S106 - a pattern
        token.token = salted_hmac(SALT, token.token, algorithm="sha256").hexdigest()[:16]
        token.save(update_fields=["token"])


def forget_codes(apps, schema_editor):
    apps.get_model("otp_static", "StaticToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_team_invitations"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, forget_codes)]

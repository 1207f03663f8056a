"""The append-only, hash-chained record of every state change made for an organisation."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChainHead(models.Model):
    """The newest entry of one organisation's chain. Its row lock serialises appends to that chain.

    It also keeps how far the chain was last found intact (`checked_seq`, `checked_hash`), so the audit page
    checks only what came since, and when the whole chain was last recomputed (`verify_audit`).
    """

    organisation = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")
    checked_seq = models.PositiveBigIntegerField(default=0)
    checked_hash = models.CharField(max_length=64, default="")
    fully_checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chain of {self.organisation_id} at #{self.seq}"


class AuditEntry(models.Model):
    """One state change. The actor is kept as id and handle (not a foreign key) so that deleting an
    account never rewrites history; `hash` covers every other field and the previous entry's hash."""

    organisation = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    actor_id_at_time = models.BigIntegerField(null=True, blank=True)
    actor_handle = models.CharField(max_length=30, blank=True)
    action = models.CharField(max_length=64)
    subject = models.CharField(max_length=128)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "seq"], name="audit_entry_seq_unique")]
        ordering = ["organisation", "seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject}"

"""`openhouse manage publish_due`: publish every scheduled draft whose time has come (the sweeper, once).

`openhouse serve` and `openhouse worker` run the same sweep every OPENHOUSE_SWEEP_SECONDS; this command is
for cron-style deployments and for checking by hand.
"""

from django.core.management.base import BaseCommand

from openhouse.publishing import services


class Command(BaseCommand):
    help = "Publish scheduled drafts that are due (only those still approved in their current version)."

    def handle(self, *args, **options) -> None:
        count = services.publish_due_drafts()
        self.stdout.write(f"Published {count} scheduled post{'s' if count != 1 else ''}.")

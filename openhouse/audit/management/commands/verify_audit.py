"""`openhouse manage verify_audit`: recompute every audit chain; exit status 1 when any is broken."""

from django.core.management.base import BaseCommand, CommandError

from openhouse.audit import services


class Command(BaseCommand):
    help = "Verify that no audit log entry was altered, removed or reordered."

    def handle(self, *args, **options) -> None:
        problems = services.verify()
        for problem in problems:
            self.stderr.write(
                f"organisation {problem.organisation_id}, entry {problem.seq}: {problem.reason}"
            )
        if problems:
            raise CommandError(f"The audit log is broken in {len(problems)} place(s).")
        self.stdout.write("The audit log is intact.")

"""`openhouse manage fold_counts`: the sweeper that folds every pending like and comment delta into its post.

Run it from cron (every minute is plenty). Likes fold themselves at most once a second per post, and a
page showing a post with many pending deltas asks for a fold, but a burst's last few deltas on a post
nobody looks at again wait for this. Counts people see are exact either way: they add what is pending.
"""

from django.core.management.base import BaseCommand

from openhouse.social import services


class Command(BaseCommand):
    help = "Fold every pending like and comment delta into its post's counters."

    def handle(self, *args, **options) -> None:
        folded = 0
        while batch := services.fold_all_counts():
            folded += batch
        self.stdout.write(f"Folded the pending counts of {folded} post(s).")

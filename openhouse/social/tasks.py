"""Background work for social: folding like and comment tallies into post rows."""

from django.tasks import task

from openhouse.social import services


@task
def fold_counts(post_id: int) -> None:
    services.fold_counts(post_id=post_id)


@task
def fold_all_counts() -> int:
    return services.fold_all_counts()


@task
def notify_caption_mentions(post_id: int) -> int:
    return services.notify_caption_mentions(post_id=post_id)

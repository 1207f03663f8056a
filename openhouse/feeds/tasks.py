"""Background work for feeds: fan-out of new posts, backfill after a follow, forgetting after an unfollow."""

from django.tasks import task

from openhouse.feeds import services


@task
def fan_out(post_id: int) -> int:
    return services.fan_out(post_id=post_id)


@task
def backfill(follower_id: int, followee_id: int) -> None:
    services.backfill(follower_id=follower_id, followee_id=followee_id)


@task
def forget(follower_id: int, followee_id: int) -> None:
    services.forget(follower_id=follower_id, followee_id=followee_id)

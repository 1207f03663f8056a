"""Background work for media: removing files of deleted photos and avatars."""

from django.tasks import task

from openhouse.media import services


@task
def delete_files(names: list[str]) -> None:
    services.delete_files(names)


@task
def discard_unattached() -> int:
    return services.discard_unattached()

"""Background work for media: removing files of deleted photos, avatars and draft originals."""

from django.tasks import task

from openhouse.media import services


@task
def delete_files(names: list[str]) -> None:
    services.delete_files(names)


@task
def discard_unattached() -> int:
    return services.discard_unattached()


@task
def delete_originals(names: list[str]) -> None:
    services.delete_originals(names)


@task
def discard_orphan_originals() -> int:
    return services.discard_orphan_originals()


@task
def inspect_original(original_id: int) -> bool:
    return services.inspect_original(original_id=original_id)

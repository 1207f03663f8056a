"""Background work for publishing: scheduled publication (the periodic sweep is cli.SWEEPERS)."""

from django.tasks import task

from openhouse.publishing import services


@task
def publish_due(draft_id: int) -> bool:
    return services.publish_due(draft_id=draft_id) is not None

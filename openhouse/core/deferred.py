"""Side effects after commit: enqueue a task by its registered dotted name once the transaction lands.

Domain apps never import an adapter; naming the task is their only upward pointer. Arguments must be
JSON-serialisable (the task backend checks), even with the immediate backend.
"""

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_after_commit(task_name: str, **kwargs: Any) -> None:
    def _enqueue() -> None:
        import_string(task_name).enqueue(**kwargs)

    transaction.on_commit(_enqueue, robust=False)

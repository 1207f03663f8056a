"""Side effects after commit: enqueue a task by its registered dotted name once the transaction lands.

Domain apps never import an adapter; naming the task is their only upward pointer. Arguments must be
JSON-serialisable (the task backend checks), even with the immediate backend.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_after_commit(task_name: str, **kwargs: Any) -> None:
    def _enqueue() -> None:
        import_string(task_name).enqueue(**kwargs)

    transaction.on_commit(_enqueue, robust=False)


def enqueue_at_after_commit(task_name: str, run_after: datetime, **kwargs: Any) -> bool:
    """Like enqueue_after_commit, to run no earlier than `run_after`, when the task backend can defer.

    Returns False (and enqueues nothing) with a backend that cannot (the immediate one): the caller's row
    must then be picked up by its periodic sweeper, which is the guarantee in every case anyway.
    """
    task = import_string(task_name)
    if not task.get_backend().supports_defer:
        return False

    def _enqueue() -> None:
        task.using(run_after=run_after).enqueue(**kwargs)

    transaction.on_commit(_enqueue, robust=False)
    return True

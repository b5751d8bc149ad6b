import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class AuditedTask(Task):
    """Every change a task makes is attributed to the task's name in the audit trail."""

    def __call__(self, *args, **kwargs):
        import pghistory

        with pghistory.context(task=self.name):
            return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

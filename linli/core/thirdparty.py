"""The libraries' apps under names a committee reads in the admin, in both languages."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # axes ships no type hints
    verbose_name = _("Login lockouts")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string, as Django's


# The libraries' own model names, which they ship without Chinese: translated here.
MODEL_NAMES = (
    _("access attempt"), _("access attempts"), _("access failure"), _("access failures"),
    _("access log"), _("access logs"), _("access attempt expiration"),
    _("access attempt expirations"), _("Task Result"), _("Task Results"),
)  # fmt: skip

"""The framework layer's own table: the content generation of the API's response cache."""

from django.db import models


class ContentGeneration(models.Model):
    """One row whose value changes whenever published content changes.

    Kept in the database when no shared cache (Redis) is configured, so that every process
    (web workers, the task worker, a shell) agrees on which cached answers are still fresh.
    """

    value = models.BigIntegerField()

    class Meta:
        verbose_name = "content generation"

    def __str__(self) -> str:
        return str(self.value)

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


class CacheTagStamp(models.Model):
    """The version stamp of one cache tag (cms.graphql.dependencies): raised whenever what the
    tag names changes. Kept in the database when no shared cache (Redis) is configured, so
    that every process agrees on which cached answers a change made stale."""

    tag = models.CharField(max_length=400, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = "cache tag stamp"

    def __str__(self) -> str:
        return f"{self.tag}={self.value}"

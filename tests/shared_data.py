"""Data built once for a module or class of tests instead of once per test."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back(django_db_blocker):
    """Database writes shared by many tests: made inside one transaction that is rolled back at
    the end, whatever happens. Each test runs in its own savepoint on top, so what one test
    writes is gone before the next, and the database ends as the migrations left it.

    For data the tests only read; a transactional test cannot use it (it would not see it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

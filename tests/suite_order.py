"""Keeps the suite independent of test order.

A transactional test ends by flushing the database. Without `serialized_rollback` Django then
re-creates content types and permissions under new ids (on PostgreSQL), and the next test that
restores the migrated rows collides with them ("duplicate key ... django_content_type"). With
`serialized_rollback=True` every transactional test starts from the migrated rows and leaves an
empty database, which the next one restores in turn, whatever order the tests run in.
"""

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def _django_db(item) -> tuple[bool, bool]:
    """(transactional, serialized_rollback) as the item's django_db marker asks."""
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False, False
    from pytest_django.fixtures import validate_django_db

    transaction, reset_sequences, _databases, serialized_rollback, _apps = validate_django_db(
        marker
    )
    return transaction or reset_sequences, serialized_rollback


def transactional_without_restore(items) -> list[str]:
    """Node ids of transactional tests that do not restore the migrated rows first."""
    found = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        transactional, restored = _django_db(item)
        transactional = transactional or bool(fixtures & TRANSACTIONAL_FIXTURES)
        restored = restored or "django_db_serialized_rollback" in fixtures
        if transactional and not restored:
            found.append(item.nodeid)
    return found

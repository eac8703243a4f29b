"""Concurrent signups of one address race on the case-insensitive unique constraint."""

import os
import random
import threading

import pytest
from django.db import connection

from newsletter import services
from newsletter.models import Subscriber
from tests.newsletter_helpers import NO_LIMITS

ON_POSTGRES = connection.vendor == "postgresql"
# CI with a database must run this, never skip it.
CI_DATABASE = os.environ.get("CI") == "true" and bool(os.environ.get("DATABASE_URL"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES and not CI_DATABASE,
        reason="needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so two "
        "transactions never race on the insert",
    ),
]

THREADS = 50


def _casings(address: str, count: int) -> list[str]:
    rng = random.Random(5)
    variants = {address, address.upper()}
    while len(variants) < count:
        variants.add("".join(c.upper() if rng.random() < 0.5 else c.lower() for c in address))
    return sorted(variants)


# Serialized rollback: a later transactional test must find the migrated rows intact.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_signups_in_different_cases_leave_one_row(settings, mailoutbox):
    assert connection.vendor == "postgresql"
    settings.NEWSLETTER = {**settings.NEWSLETTER, **NO_LIMITS}
    addresses = _casings("lectrice.concurrente@example.fr", THREADS)
    barrier = threading.Barrier(THREADS)
    results, failures = [], []

    def signup(address):
        try:
            barrier.wait(timeout=30)
            results.append(
                services.subscribe(email=address, consent=True, locale="fr", ip="203.0.113.5")
            )
        except Exception as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=signup, args=(a,)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(results) == THREADS
    assert all(r.ok and r.status == "PENDING" for r in results)
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email.lower() == "lectrice.concurrente@example.fr"
    assert mailoutbox, "at least one confirmation went out"

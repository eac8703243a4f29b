"""Helper for the worker scenario of bench/faults.py, run with the server's environment:

fault_worker.py enqueue URL COUNT   -> prints the delivery ids queued to URL
fault_worker.py status ID...        -> prints {"sent": n, "pending": n, "failed": n}
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

import django  # noqa: E402

django.setup()

from delivery import webhooks  # noqa: E402
from delivery.models import WebhookDelivery, WebhookEndpoint  # noqa: E402

EVENT = "article.published"


def enqueue(url: str, count: int) -> list[int]:
    WebhookEndpoint.objects.filter(name="faults").delete()
    WebhookEndpoint.objects.create(
        name="faults",
        url=url,
        secret="faults-secret",  # noqa: S106 (a local receiver that checks nothing)
        events=[EVENT],
    )
    ids = []
    for index in range(count):
        ids += [d.pk for d in webhooks.enqueue(EVENT, {"event": EVENT, "id": str(index)})]
    return ids


def status(ids: list[int]) -> dict:
    rows = WebhookDelivery.objects.filter(pk__in=ids).values_list("status", flat=True)
    counts = {"sent": 0, "pending": 0, "failed": 0}
    for value in rows:
        counts[value] = counts.get(value, 0) + 1
    return counts


if __name__ == "__main__":
    if sys.argv[1] == "enqueue":
        print(json.dumps(enqueue(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(status([int(arg) for arg in sys.argv[2:]])))

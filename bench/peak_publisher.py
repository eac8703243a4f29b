"""Run by bench/peak.py with the server's environment: the newsroom side of the breaking-news
bench. Publishes a new article every PUBLISH_EVERY seconds and corrects a hot article every
UPDATE_EVERY seconds, then polls the API as a reader until the change shows, and prints one JSON
line: what it did, how long readers saw the old answer, and the rebuilds the cache counted.

    python bench/peak_publisher.py BASE_URL DURATION SECTIONS HOT_SLUGS [--quiet]
"""

import json
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.peak_queries import article_path, listing_path  # noqa: E402
from cms.graphql import cache as http_cache  # noqa: E402
from news.models import ArticlePage, SectionPage  # noqa: E402

PUBLISH_EVERY = 2.0
UPDATE_EVERY = 3.0
PROBE_LIMIT = 30.0


def rebuilds() -> int:
    return caches[http_cache.options()["ALIAS"]].get(http_cache.REBUILDS_KEY) or 0


def rebuild_cpu_s() -> float:
    cache = caches[http_cache.options()["ALIAS"]]
    return (cache.get(http_cache.REBUILD_CPU_KEY) or 0) / 1_000_000


def shows(url: str, text: str) -> bool:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return text in response.read().decode()


def probe(url: str, text: str, since: float) -> float:
    """Seconds from the change until the first request whose answer showed it was sent: a
    request's own queueing and transfer time is not staleness, an old answer to a request sent
    after the change is."""
    while time.monotonic() - since < PROBE_LIMIT:
        sent = time.monotonic()
        if shows(url, text):
            return sent - since
        time.sleep(0.01)
    return PROBE_LIMIT


def publish(section: SectionPage, n: int) -> str:
    """What the admin's "Publish" on a new page does: add the page as a draft, take a revision,
    publish it (the test factory saves once more, to set inline rows after the fact)."""
    from tests.factories import paragraph

    title = f"Alerte {os.getpid()}-{n}"
    article = ArticlePage(
        title=title,
        slug=f"alerte-{os.getpid()}-{n}",
        standfirst="Un chapô.",
        body=[paragraph("<p>Dépêche.</p>")],
        published_at=timezone.now(),
        live=False,
    )
    section.add_child(instance=article)
    article.save_revision().publish()
    return title


def correct(slug: str, n: int) -> str:
    article = ArticlePage.objects.get(slug=slug)
    marker = f"maj {os.getpid()}-{n}"
    article.title = f"{article.title.split(' (maj ')[0]} ({marker})"
    article.save_revision().publish()
    return marker


def main() -> None:
    base_url, duration = sys.argv[1], float(sys.argv[2])
    section_slugs, hot = sys.argv[3].split(","), sys.argv[4].split(",")
    quiet = "--quiet" in sys.argv
    sections = [SectionPage.objects.get(slug=slug) for slug in section_slugs]
    before, cpu_before = rebuilds(), rebuild_cpu_s()
    newsroom_cpu = 0.0  # CPU this process spent writing the changes (not probing)
    # The bench starts its load when this line arrives: Django's start-up is not in the run.
    print("ready", flush=True)
    started = time.monotonic()
    publishes, updates, staleness, probes = 0, 0, [], []

    def watch(url, text, since):
        # In a thread of its own: the next change does not wait for this one to show.
        thread = threading.Thread(target=lambda: staleness.append(probe(url, text, since)))
        thread.start()
        probes.append(thread)

    next_publish, next_update = started, started + 1.0
    while time.monotonic() - started < duration:
        now = time.monotonic()
        if quiet:
            time.sleep(min(0.5, duration - (now - started)) if duration > now - started else 0)
            continue
        if now >= next_publish and next_publish <= next_update:
            section = sections[publishes % len(sections)]
            cpu = time.process_time()
            title = publish(section, publishes)
            newsroom_cpu += time.process_time() - cpu
            changed = time.monotonic()
            watch(base_url + listing_path(section.slug), title, changed)
            publishes += 1
            next_publish += PUBLISH_EVERY
        elif now >= next_update:
            cpu = time.process_time()
            title = correct(hot[updates % len(hot)], updates)
            newsroom_cpu += time.process_time() - cpu
            changed = time.monotonic()
            path = article_path(hot[updates % len(hot)])
            watch(base_url + path, title, changed)
            updates += 1
            next_update += UPDATE_EVERY
        else:
            time.sleep(0.02)
    for thread in probes:
        thread.join(timeout=PROBE_LIMIT + 10)
    print(
        json.dumps(
            {
                "publishes": publishes,
                "updates": updates,
                "rebuilds": rebuilds() - before,
                "rebuild_cpu_s": rebuild_cpu_s() - cpu_before,
                "newsroom_cpu_s": newsroom_cpu,
                "staleness_s": staleness,
            }
        )
    )


if __name__ == "__main__":
    main()

"""What a cache hit reads: the clock alone when this process saw the answer fresh at that
clock, with Redis not even that while no change is announced; and what stays correct."""

import json
import uuid
from urllib.parse import urlencode

import pytest
import redis
from django.core.cache import caches

from cms import cache as redis_cache
from cms.graphql import cache as http_cache
from news.models import ArticlePage
from tests.cache_reads import titles
from tests.factories import dated, make_article, make_section, make_site
from tests.redis_helpers import RedisServer

QUERY = '{ articles(section: "monde") { edges { node { title } } } }'
URL = "/graphql/?" + urlencode({"query": QUERY})


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def on_redis(settings, redis_server):
    """The response cache in a private redis-server, as production configures it."""
    settings.CACHES = {
        **settings.CACHES,
        "responses": {
            "BACKEND": "cms.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            # Each test its own key space: the database rolls back, Redis does not.
            "KEY_PREFIX": f"hit-path-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "GENERATION_STORE": "cache"}
    redis_cache.breaker.reset()
    http_cache.reset_state()
    yield caches["responses"]
    http_cache.reset_state()


@pytest.fixture
def monde(db):
    section = make_section(make_site(), "Monde")
    return make_article(section, "Premier", published_at=dated(1))


class Commands:
    """Counts the commands a redis.Redis sends (monkeypatched on the class)."""

    def __init__(self, monkeypatch):
        self.sent = []
        original = redis.Redis.execute_command

        def counted(client, *args, **options):
            self.sent.append(args)
            return original(client, *args, **options)

        monkeypatch.setattr(redis.Redis, "execute_command", counted)


def test_a_hit_sends_nothing_to_redis_while_no_change_is_announced(
    client, monde, on_redis, monkeypatch
):
    assert titles(client.get(URL)) == ["Premier"]
    client.get(URL)
    commands = Commands(monkeypatch)
    for _ in range(5):
        assert titles(client.get(URL)) == ["Premier"]
    assert commands.sent == []


def test_a_change_announced_by_another_process_shows_on_the_next_request(
    client, monde, on_redis, redis_server
):
    client.get(URL)
    client.get(URL)  # the first hit subscribes (and reads the clock after subscribing)
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    # Another process's bump: only Redis is shared (its own connection, its own memo).
    other = redis.Redis.from_url(redis_server.url)
    clock_key = on_redis.make_key(http_cache.GENERATION_KEY)
    clock = other.incr(clock_key)
    other.set(on_redis.make_key(http_cache.TAG_PREFIX + f"page:{monde.pk}"), clock)
    other.incr(clock_key)
    assert other.publish(http_cache.changes_channel(on_redis), b"") == 1
    # The announcement is on this process's subscription socket once PUBLISH has returned
    # (delivered by Redis in the same pass): give loopback a moment all the same.
    for _ in range(100):
        if titles(client.get(URL)) == ["Corrigé"]:
            break
    assert titles(client.get(URL)) == ["Corrigé"]


def another_process_bumps(redis_server, cache, tag, *, announce=True, readable=True, db=0) -> int:
    """What a publisher in another process does (only Redis is shared): `announce=False` is a
    change whose announcement has not arrived yet; `readable=False` announces it without its
    clock values and tags (as a message this version cannot read); `db` another database of
    the same server (another site, such as a staging one, with the same key prefix)."""
    other = redis.Redis.from_url(redis_server.url_for(db))
    clock_key = cache.make_key(http_cache.GENERATION_KEY)
    clock = other.incr(clock_key)
    other.set(cache.make_key(http_cache.TAG_PREFIX + tag), clock)
    end = other.incr(clock_key)
    if announce:
        message = http_cache.announcement((clock, end), [tag, "any"]) if readable else b""
        return other.publish(http_cache.changes_channel(cache, db=db), message)
    return 0


def answers_until(client, expected, commands=None) -> list[str]:
    """The titles answered, asking until `expected` shows or `commands` saw Redis traffic (an
    announcement is on the subscription socket once PUBLISH returns: loopback, as a rule at
    once, but not promised)."""
    for _ in range(100):
        found = titles(client.get(URL))
        if found == expected or (commands is not None and commands.sent):
            return found
    return found


def test_after_an_announced_unrelated_change_a_hit_reads_nothing(
    client, monde, on_redis, redis_server, monkeypatch, django_assert_num_queries
):
    client.get(URL)
    client.get(URL)
    assert another_process_bumps(redis_server, on_redis, "page:999999") == 1
    clock = int(
        redis.Redis.from_url(redis_server.url).get(on_redis.make_key(http_cache.GENERATION_KEY))
    )
    commands = Commands(monkeypatch)
    # Not even the site its host matches: sites change under `structure` only.
    with django_assert_num_queries(0):
        for _ in range(100):
            assert titles(client.get(URL)) == ["Premier"]
            if http_cache._clock_watch._clock == clock:
                break
        # The announcement named the change's tags and clock values: the process moved to the
        # new clock, and the copy, which read none of those tags, with it, without a read.
        assert http_cache._clock_watch._clock == clock
        assert titles(client.get(URL)) == ["Premier"]
    assert commands.sent == []


def test_an_announced_change_to_a_tag_the_copy_read_shows_on_the_next_request(
    client, monde, on_redis, redis_server
):
    client.get(URL)
    client.get(URL)
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    assert another_process_bumps(redis_server, on_redis, f"page:{monde.pk}") == 1
    assert answers_until(client, ["Corrigé"]) == ["Corrigé"]


def test_a_change_announced_past_a_gap_makes_the_process_read_the_clock(
    client, monde, on_redis, redis_server
):
    client.get(URL)
    client.get(URL)
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    # This change's announcement is still on its way; a later, unrelated change's arrives
    # first. Its clock values leave a gap: the process may not assume nothing else changed.
    another_process_bumps(redis_server, on_redis, f"page:{monde.pk}", announce=False)
    assert another_process_bumps(redis_server, on_redis, "page:999999") == 1
    assert answers_until(client, ["Corrigé"]) == ["Corrigé"]


def test_a_site_on_another_database_of_the_same_redis_is_not_heard(
    client, monde, on_redis, redis_server
):
    client.get(URL)
    client.get(URL)
    clock_key = on_redis.make_key(http_cache.GENERATION_KEY)
    clock = int(redis.Redis.from_url(redis_server.url).get(clock_key))
    # A staging site on database 1 of the same server, with the same key prefix, whose clock
    # happens to be where this site's is. Pub/sub ignores database numbers: without a channel
    # of its own, this site would take the staging clock's values for its own.
    redis.Redis.from_url(redis_server.url_for(1)).set(clock_key, clock)
    assert another_process_bumps(redis_server, on_redis, "page:999999", db=1) == 0  # heard by none
    for _ in range(20):
        assert titles(client.get(URL)) == ["Premier"]
    # Then this site's own change, to the very clock values the staging one took.
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    assert another_process_bumps(redis_server, on_redis, f"page:{monde.pk}") == 1
    assert answers_until(client, ["Corrigé"]) == ["Corrigé"]


def test_announcements_it_cannot_read_are_announcements_all_the_same():
    for data in (b"", b"{", b"[]", b'{"clock": [true, 2], "tags": []}', b'{"clock": [1, 2]}'):
        assert http_cache._read_announcement(data) is None
    crowd = [f"page:{n}" for n in range(http_cache.ANNOUNCED_TAGS + 1)]
    assert http_cache._read_announcement(http_cache.announcement((1, 2), crowd)) is None
    assert http_cache._read_announcement(http_cache.announcement((1, 3), ["page:4"])) == (
        (1, 3),
        frozenset({"page:4"}),
    )


def test_after_a_change_it_cannot_read_a_hit_rechecks_its_copy_without_reading_the_entry(
    client, monde, on_redis, redis_server, monkeypatch
):
    client.get(URL)
    client.get(URL)
    (key,) = http_cache._fresh
    assert another_process_bumps(redis_server, on_redis, "page:999999", readable=False) == 1
    commands = Commands(monkeypatch)
    assert answers_until(client, None, commands) == ["Premier"]
    read = [str(arg) for command in commands.sent for arg in command[1:]]
    # The clock and the copy's stamps were read again; the entry, its whole body, was not.
    assert on_redis.make_key(http_cache.GENERATION_KEY) in read
    assert on_redis.make_key(http_cache.TAG_PREFIX + f"page:{monde.pk}") in read
    assert on_redis.make_key(key) not in read


def test_an_unannounced_change_shows_within_the_trust_period(
    client, monde, on_redis, redis_server, monkeypatch
):
    client.get(URL)
    client.get(URL)
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    other = redis.Redis.from_url(redis_server.url)  # a publisher that died before PUBLISH
    clock_key = on_redis.make_key(http_cache.GENERATION_KEY)
    clock = other.incr(clock_key)
    other.set(on_redis.make_key(http_cache.TAG_PREFIX + f"page:{monde.pk}"), clock)
    other.incr(clock_key)
    assert titles(client.get(URL)) == ["Premier"]  # trusted: the bound is TRUST seconds
    monkeypatch.setattr(http_cache._ClockWatch, "TRUST", 0.0)
    assert titles(client.get(URL)) == ["Corrigé"]


def test_this_process_sees_its_own_change_on_the_next_request(client, monde, on_redis):
    client.get(URL)
    article = ArticlePage.objects.get(pk=monde.pk)
    article.title = "Corrigé"
    article.save_revision().publish()
    assert titles(client.get(URL)) == ["Corrigé"]


def test_a_bump_writes_the_clock_value_as_the_stamp_of_each_tag(on_redis):
    http_cache._bump_cache(on_redis, {"page:1", "section:2"})
    clock, stamps = http_cache._cache_read(on_redis, ["page:1", "section:2"])
    # The clock moved once more after the stamps were written.
    assert stamps == {"page:1": clock - 1, "section:2": clock - 1}


def test_copies_of_fresh_answers_stay_within_their_byte_bound(client, monde, settings):
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "LOCAL_BYTES": 600}
    for first in range(1, 8):
        selection = "edges { node { title } }"
        query = f'{{ articles(section: "monde", first: {first}) {{ {selection} }} }}'
        assert client.get("/graphql/?" + urlencode({"query": query})).status_code == 200
    assert 0 < len(http_cache._fresh) < 7
    assert http_cache._fresh_bytes <= 600
    assert http_cache._fresh_bytes == sum(
        http_cache._entry_bytes(item[4]) for item in http_cache._fresh.values()
    )


def test_the_site_memo_follows_announcements_except_those_that_may_change_sites():
    memo = http_cache._SiteMemo()
    memo._generation = 10
    memo.carry_forward(10, 12, frozenset({"page:4", "any"}))
    assert memo._generation == 12
    memo.carry_forward(12, 14, frozenset({"structure", "any"}))
    assert memo._generation == 12  # the next request matches its host against the sites again
    memo.carry_forward(12, 14, frozenset({"all"}))
    assert memo._generation == 12


def test_a_bump_before_its_change_commits_is_announced_without_its_tags(
    db, on_redis, redis_server, django_capture_on_commit_callbacks
):
    listener = redis.Redis.from_url(redis_server.url).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(http_cache.changes_channel(on_redis))
    listener.get_message(timeout=1)  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        http_cache.invalidate("page:7")
    heard = []
    for _ in range(50):
        message = listener.get_message(timeout=0.1)
        if message is not None:
            heard.append(json.loads(message["data"]))
        if len(heard) == 2:
            break
    listener.close()
    # Before the commit the other processes' answers are still the true ones: they learn only
    # that the clock moved. The commit's announcement names what changed.
    assert [message["tags"] for message in heard] == [[], ["any", "page:7"]]
    first, second = (message["clock"] for message in heard)
    assert second[0] == first[1] + 1  # no gap: nothing else moved the clock meanwhile


def another_process_rebuilds(cache, key, *, taken_seconds_ago=0.0) -> None:
    """Another process holds `key`'s single-flight lock (as it does while rebuilding it)."""
    import time

    assert cache.add(http_cache.lock_key(key), time.time() - taken_seconds_ago, timeout=30)


def cached_key(client) -> str:
    """The key of the answer to URL, once this process holds a copy of it."""
    client.get(URL)
    client.get(URL)
    (key,) = http_cache._fresh
    return key


def corrected_while_rebuilt(monde, cache, redis_server, key, *, lock_age=0.0) -> None:
    """Another process corrects the article and is rebuilding the answer (its lock taken
    `lock_age` seconds ago) when this process hears of the change."""
    ArticlePage.objects.filter(pk=monde.pk).update(title="Corrigé")
    another_process_rebuilds(cache, key, taken_seconds_ago=lock_age)
    assert another_process_bumps(redis_server, cache, f"page:{monde.pk}") == 1


def test_while_another_process_rebuilds_a_changed_answer_the_copy_is_served_in_one_read(
    client, monde, on_redis, redis_server, monkeypatch
):
    key = cached_key(client)
    corrected_while_rebuilt(monde, on_redis, redis_server, key)
    commands = Commands(monkeypatch)
    response = None
    for _ in range(100):
        response = client.get(URL)
        if commands.sent:
            break
    # The previous answer, not kept by shared caches, as for any answer being rebuilt ...
    assert titles(response) == ["Premier"]
    assert "s-maxage=0" in response["Cache-Control"]
    # ... from this process's copy: one read of the clock, the copy's stamps and the lock;
    # neither the entry (its whole body) nor an attempt at the lock. So for every request
    # until the rebuild lands, not only the first after the change.
    for _ in range(3):
        assert titles(client.get(URL)) == ["Premier"]
    assert [command[0] for command in commands.sent] == ["MGET"] * 4
    read = {str(arg) for command in commands.sent for arg in command[1:]}
    assert on_redis.make_key(http_cache.lock_key(key)) in read
    assert on_redis.make_key(key) not in read
    # Once the rebuild has landed (and the lock is gone), the new answer.
    on_redis.delete(http_cache.lock_key(key))
    assert titles(client.get(URL)) == ["Corrigé"]


def test_the_copy_is_not_served_while_rebuilt_once_the_lock_is_older_than_grace(
    client, monde, on_redis, redis_server, settings
):
    key = cached_key(client)
    grace = settings.KIOSQUE_CACHE["GRACE"]
    corrected_while_rebuilt(monde, on_redis, redis_server, key, lock_age=grace + 1)  # hung
    assert answers_until(client, ["Corrigé"]) == ["Corrigé"]


def test_a_copy_not_seen_fresh_within_grace_is_not_served_while_rebuilt(
    client, monde, on_redis, redis_server, settings
):
    key = cached_key(client)
    # This process last answered from its copy longer ago than GRACE: it may have been stale
    # for longer than that, and the shared entry decides.
    http_cache._fresh[key][3] -= settings.KIOSQUE_CACHE["GRACE"] + 1
    on_redis.delete(key)  # and no previous answer is left to serve: wait for the rebuild
    settings.KIOSQUE_CACHE = {**settings.KIOSQUE_CACHE, "WAIT": 0.1}
    corrected_while_rebuilt(monde, on_redis, redis_server, key)
    assert answers_until(client, ["Corrigé"]) == ["Corrigé"]


def test_threads_of_one_process_share_one_subscription(db, on_redis, monkeypatch):
    # gthread workers: Django gives each thread its own cache object; the subscription (and
    # the announcements it has gathered) belongs to the process.
    import threading

    from django.core.cache import caches

    subscribed = []
    original = http_cache._ClockWatch._subscribe
    monkeypatch.setattr(
        http_cache._ClockWatch,
        "_subscribe",
        lambda watch, cache: subscribed.append(cache) or original(watch, cache),
    )
    http_cache._bump_cache(on_redis, {"page:1"})  # a clock to read
    clocks = [http_cache._clock_watch.clock(caches["responses"])]
    other = threading.Thread(
        target=lambda: clocks.append(http_cache._clock_watch.clock(caches["responses"]))
    )
    other.start()
    other.join()
    assert len(subscribed) == 1
    assert clocks[0] is not None and clocks[0] == clocks[1]


def test_carrying_copies_forward_survives_a_hit_reordering_them_meanwhile():
    # A hit in another thread moves its key to the end of the copies while an announcement
    # carries them forward (simulated here from inside the loop).
    class Reordering(frozenset):
        def isdisjoint(self, other):
            http_cache._fresh.move_to_end("a")
            return super().isdisjoint(other)

    entry = (1, 10**12, '"e"', b"{}", ())
    try:
        http_cache._fresh["a"] = [5, None, None, 0.0, entry, Reordering({"page:1"})]
        http_cache._fresh["b"] = [5, None, None, 0.0, entry, Reordering({"page:2"})]
        http_cache._carry_forward(5, 7, frozenset({"page:2"}))
        assert http_cache._fresh["a"][0] == 7  # untouched by the change: carried
        assert http_cache._fresh["b"][0] == 5  # read page:2: checked on its next hit
    finally:
        http_cache.reset_state()


def test_a_site_read_while_the_memo_moved_on_is_not_kept_under_the_new_generation(rf, monkeypatch):
    from cms import sites

    memo = http_cache._SiteMemo()
    request = rf.get("/graphql/", HTTP_HOST="testserver")

    def read_as_a_site_change_commits(req):
        with memo._lock:  # another thread, after the change: the memo moves to its generation
            memo._generation = 6
            memo._sites.clear()
        return None  # the mapping as it was before the change

    monkeypatch.setattr(sites, "find_for_request", read_as_a_site_change_commits)
    assert memo.site_id(request, 5) is None
    assert "testserver" not in memo._sites

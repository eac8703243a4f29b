"""GraphiQL works without internet access (issue 13, item 7): its page loads every script and
stylesheet from this host, and each local file is the exact one graphene-django's integrity hash
names (a browser would refuse anything else)."""

import base64
import hashlib
import re

from django.contrib.staticfiles import finders


def test_graphiql_loads_only_local_assets_matching_their_integrity(client, db):
    response = client.get("/graphiql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"\s+integrity="([^"]+)"', html)
    assert len(assets) == 8, assets
    for url, integrity in assets:
        assert url.startswith("/static/graphiql/"), url
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} is not a static file of the project"
        algorithm, expected = integrity.split("-", 1)
        with open(path, "rb") as handle:
            digest = base64.b64encode(hashlib.new(algorithm, handle.read()).digest()).decode()
        assert digest == expected, url
    # Nothing else points off-host either.
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)

"""Embeds are delivered as URLs plus a provider name; frontends render the player themselves,
so no oEmbed call happens while answering an API request."""

from urllib.parse import urlsplit

PROVIDERS = {
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "vimeo.com": "vimeo",
    "dailymotion.com": "dailymotion",
    "dai.ly": "dailymotion",
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "bsky.app": "bluesky",
    "tiktok.com": "tiktok",
    "soundcloud.com": "soundcloud",
}


def provider_for_url(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    host = host.removeprefix("www.").removeprefix("m.")
    for domain, name in PROVIDERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return "other"

"""Bench-only settings: the same project and data served by stock grapple, without Kiosque's
schema (no `cms` app, so neither its trimming nor its root fields) and with stock resolvers
(see bench/stock.py)."""

from bench.settings_kiosque import *  # noqa: F403
from bench.settings_kiosque import GRAPPLE, INSTALLED_APPS, KIOSQUE_CACHE, MIDDLEWARE

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "cms"] + ["bench.stock.StockConfig"]
GRAPPLE = {key: value for key, value in GRAPPLE.items() if key != "PAGE_INTERFACE"}
GRAPPLE["PAGE_SIZE"] = 20
ROOT_URLCONF = "bench.urls_stock"

# Stock grapple has no response cache: without this, Kiosque's middleware (still in MIDDLEWARE
# from the shared base settings) would answer repeated stock GETs from its cache under load.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("cms.")]
KIOSQUE_CACHE = {**KIOSQUE_CACHE, "ENABLED": False}

"""The demo newsroom: invented French content loaded by `manage.py load_demo_content`."""

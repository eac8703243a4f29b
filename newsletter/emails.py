"""Every email the newsletter sends is built here, so each one carries the RFC 8058 headers."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from newsletter import tokens
from newsletter.conf import base_url, conf
from newsletter.messages import SUBJECTS


def unsubscribe_url(subscriber) -> str:
    token = tokens.make_token(tokens.UNSUBSCRIBE, subscriber)
    return f"{base_url()}{reverse('newsletter:unsubscribe')}?{urlencode({'token': token})}"


def confirm_url(subscriber) -> str:
    token = tokens.make_token(tokens.CONFIRM, subscriber)
    template = conf("CONFIRM_URL")
    if template:
        return template.replace("{token}", quote(token, safe=""))
    return f"{base_url()}{reverse('newsletter:confirm')}?{urlencode({'token': token})}"


def newsletter_message(
    subscriber, subject: str, text: str, html: str | None = None, *, unsubscribe: str = ""
):
    """An email to one subscriber, with List-Unsubscribe and one-click unsubscribe headers.

    Anything that mails subscribers (confirmations, notices, the newsletter itself) must be
    built with this function.
    """
    link = unsubscribe or unsubscribe_url(subscriber)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=conf("FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _render(kind: str, subscriber, context: dict):
    locale = subscriber.locale if subscriber.locale in SUBJECTS[kind] else "fr"
    link = unsubscribe_url(subscriber)
    context = {
        **context,
        "lang": locale,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": link,
    }
    text = render_to_string(f"newsletter/email/{kind}_{locale}.txt", context)
    html = render_to_string(f"newsletter/email/{kind}_{locale}.html", context)
    return newsletter_message(subscriber, SUBJECTS[kind][locale], text, html, unsubscribe=link)


def confirmation_message(subscriber):
    days = max(1, conf("CONFIRM_TOKEN_MAX_AGE") // 86400)
    return _render("confirm", subscriber, {"confirm_url": confirm_url(subscriber), "days": days})


def notice_message(subscriber):
    return _render("notice", subscriber, {})

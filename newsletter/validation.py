"""Input checks for signups. Each function returns a clean value or raises InputError.

Email policy (see docs/newsletter.md):
- no control characters anywhere (CR/LF header injection, NUL...), at most 254 characters;
- dot-atom local part in ASCII only: quoted local parts and Unicode local parts (SMTPUTF8)
  are refused, because the SMTP path does not negotiate SMTPUTF8;
- internationalised domain names are accepted and stored in their ASCII (punycode) form,
  lower-cased, so `bücher.de` and `xn--bcher-kva.de` are one address;
- no domain literals (`[192.0.2.1]`), no host without a dot (`localhost`), no DNS lookup;
- canonical before any check: no RFC 2047 encoded-word (`=?utf-8?q?bob?=`), quoted part,
  comment or display name, and the stored text must be exactly the mailbox Django's SMTP code
  sends to (`sanitize_address` decodes encoded-words and drops comments), so one inbox is one
  row and one rate-limit counter.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import EmailValidator

from newsletter.messages import DEFAULT_LOCALE, LOCALES

MAX_EMAIL_LENGTH = 254
MAX_LOCAL_LENGTH = 64
MAX_SOURCE_LENGTH = 100
MAX_LOCALE_LENGTH = 16

_email_validator = EmailValidator(allowlist=[])
# RFC 5322 dot-atom over ASCII atext: no quotes, comments, backslashes or brackets.
_dot_atom_re = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_locale_re = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]{1,8})*", re.ASCII | re.IGNORECASE)


class InputError(Exception):
    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def has_control_chars(value: str) -> bool:
    # Cc covers CR, LF, NUL, DEL...; Zl/Zp are the Unicode line and paragraph separators.
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in value)


def clean_email(raw) -> str:
    if not isinstance(raw, str) or has_control_chars(raw):
        raise InputError("email", "INVALID_EMAIL")
    value = raw.strip(" ")
    if not value or len(value) > MAX_EMAIL_LENGTH or value.count("@") != 1:
        raise InputError("email", "INVALID_EMAIL")
    local, domain = value.split("@")
    if not local or not domain or local.startswith('"') or domain.startswith("["):
        raise InputError("email", "INVALID_EMAIL")
    if not local.isascii():
        raise InputError("email", "UNSUPPORTED_EMAIL")
    if len(local) > MAX_LOCAL_LENGTH:
        raise InputError("email", "INVALID_EMAIL")
    try:
        # Same IDNA codec as Django's SMTP path (django.utils.encoding.punycode).
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InputError("email", "INVALID_EMAIL") from exc
    email = f"{local}@{ascii_domain}"
    if len(email) > MAX_EMAIL_LENGTH:
        raise InputError("email", "INVALID_EMAIL")
    try:
        _email_validator(email)
    except ValidationError as exc:
        raise InputError("email", "INVALID_EMAIL") from exc
    if not _dot_atom_re.fullmatch(local) or "=?" in local or not _is_smtp_canonical(email):
        raise InputError("email", "INVALID_EMAIL")
    return email


def _is_smtp_canonical(email: str) -> bool:
    """True when the mail path sends to exactly this text (no decoding, no rewriting)."""
    try:
        return sanitize_address(email, "utf-8") == email
    except (ValueError, IndexError):
        return False


def clean_locale(raw) -> str:
    if raw is None or raw == "":
        return DEFAULT_LOCALE
    if not isinstance(raw, str) or len(raw) > MAX_LOCALE_LENGTH:
        raise InputError("locale", "INVALID_LOCALE")
    match = _locale_re.fullmatch(raw)
    if not match or match.group(1).lower() not in LOCALES:
        raise InputError("locale", "INVALID_LOCALE")
    return match.group(1).lower()


def message_locale(raw) -> str:
    """The locale to answer in: the requested one when valid, French otherwise."""
    try:
        return clean_locale(raw)
    except InputError:
        return DEFAULT_LOCALE


def clean_source(raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_SOURCE_LENGTH or has_control_chars(raw):
        raise InputError("source", "INVALID_SOURCE")
    return raw.strip()

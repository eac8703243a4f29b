"""Reader-facing texts in French (default) and English: error messages, email subjects, pages."""

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"

ERRORS = {
    "INVALID_EMAIL": {
        "fr": "Cette adresse électronique n'est pas valide.",
        "en": "This email address is not valid.",
    },
    "UNSUPPORTED_EMAIL": {
        "fr": "Cette adresse n'est pas prise en charge : seuls des caractères non accentués "
        "sont acceptés avant le @.",
        "en": "This address is not supported: only unaccented characters are accepted "
        "before the @.",
    },
    "CONSENT_REQUIRED": {
        "fr": "Merci de cocher la case de consentement pour vous inscrire.",
        "en": "Please tick the consent box to subscribe.",
    },
    "INVALID_LOCALE": {
        "fr": "Langue inconnue : utilisez « fr » ou « en ».",
        "en": 'Unknown language: use "fr" or "en".',
    },
    "INVALID_SOURCE": {
        "fr": "Origine invalide : 100 caractères au plus, sans caractère de contrôle.",
        "en": "Invalid source: at most 100 characters, no control characters.",
    },
    "RATE_LIMITED": {
        "fr": "Trop de demandes. Merci de réessayer dans quelques minutes.",
        "en": "Too many requests. Please try again in a few minutes.",
    },
    "TEMPORARILY_UNAVAILABLE": {
        "fr": "L'inscription est momentanément indisponible. Merci de réessayer plus tard.",
        "en": "Signing up is temporarily unavailable. Please try again later.",
    },
    "INVALID_TOKEN": {
        "fr": "Ce lien n'est pas valide.",
        "en": "This link is not valid.",
    },
    "EXPIRED_TOKEN": {
        "fr": "Ce lien a expiré. Inscrivez-vous à nouveau pour recevoir un nouveau lien.",
        "en": "This link has expired. Subscribe again to receive a new link.",
    },
}

SUBJECTS = {
    "confirm": {
        "fr": "Confirmez votre inscription à la lettre d'information",
        "en": "Please confirm your newsletter subscription",
    },
    "notice": {
        "fr": "Vous êtes déjà inscrit·e à notre lettre d'information",
        "en": "You are already subscribed to our newsletter",
    },
}

PAGES = {
    "fr": {
        "confirm_title": "Confirmer l'inscription",
        "confirm_prompt": "Cliquez sur le bouton pour confirmer votre inscription "
        "à la lettre d'information.",
        "confirm_button": "Je confirme mon inscription",
        "confirmed": "C'est fait : votre inscription est confirmée. Bonne lecture !",
        "unsubscribe_title": "Se désinscrire",
        "unsubscribe_prompt": "Cliquez sur le bouton pour ne plus recevoir "
        "la lettre d'information.",
        "unsubscribe_button": "Me désinscrire",
        "unsubscribed": "Vous êtes désinscrit·e. Vous ne recevrez plus la lettre d'information.",
        "error_title": "Lien invalide",
    },
    "en": {
        "confirm_title": "Confirm your subscription",
        "confirm_prompt": "Press the button to confirm your newsletter subscription.",
        "confirm_button": "Confirm my subscription",
        "confirmed": "Done: your subscription is confirmed. Happy reading!",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_prompt": "Press the button to stop receiving the newsletter.",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "You are unsubscribed. You will not receive the newsletter any more.",
        "error_title": "Invalid link",
    },
}


def error_message(code: str, locale: str | None) -> str:
    texts = ERRORS[code]
    return texts.get(locale or DEFAULT_LOCALE, texts[DEFAULT_LOCALE])

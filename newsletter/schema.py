"""GraphQL: the signup box's copy (query) and subscribe / confirm / unsubscribe (mutations).

Business errors come back in `errors { field code message }` with messages in the reader's
locale; the mutations themselves never raise for bad input.
"""

import graphene

from cms.sites import find_for_request
from newsletter import selectors, services
from newsletter.validation import message_locale


class NewsletterStatus(graphene.Enum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class NewsletterError(graphene.ObjectType):
    field = graphene.String(description="Argument at fault; null for errors about the request.")
    code = graphene.String(
        required=True,
        description="INVALID_EMAIL, UNSUPPORTED_EMAIL, CONSENT_REQUIRED, INVALID_LOCALE, "
        "INVALID_SOURCE, RATE_LIMITED, TEMPORARILY_UNAVAILABLE, INVALID_TOKEN, EXPIRED_TOKEN.",
    )
    message = graphene.String(required=True)


class NewsletterPayload(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    status = graphene.Field(
        NewsletterStatus,
        description="After subscribeNewsletter always PENDING (check your inbox), whether or "
        "not the address was known.",
    )
    errors = graphene.NonNull(graphene.List(graphene.NonNull(NewsletterError)))


class NewsletterBox(graphene.ObjectType):
    locale = graphene.String(required=True)
    title = graphene.String(required=True)
    blurb = graphene.String(required=True)
    button_label = graphene.String(required=True)
    consent_text = graphene.String(required=True)
    consent_version = graphene.String(required=True)


def _site(info):
    try:
        return find_for_request(info.context)
    except Exception:
        return None


class NewsletterQuery(graphene.ObjectType):
    newsletter_box = graphene.Field(
        NewsletterBox,
        locale=graphene.String(description="fr (default) or en."),
        description="Copy for the newsletter signup box, edited in the site settings.",
    )

    @staticmethod
    def resolve_newsletter_box(root, info, locale=None):
        box = selectors.box_settings(_site(info))
        return NewsletterBox(**box.copy(message_locale(locale)))


def _payload(result: services.Result) -> NewsletterPayload:
    return NewsletterPayload(
        ok=result.ok,
        status=result.status,
        errors=[
            NewsletterError(field=err.field, code=err.code, message=err.message)
            for err in result.errors
        ],
    )


class SubscribeNewsletter(graphene.Mutation):
    class Arguments:
        email = graphene.String(required=True)
        consent = graphene.Boolean(required=True)
        locale = graphene.String()
        source = graphene.String()
        website = graphene.String(description="Leave empty: a trap for bots.")

    Output = NewsletterPayload

    @staticmethod
    def mutate(root, info, email, consent, locale=None, source=None, website=None):
        request = info.context
        return _payload(
            services.subscribe(
                email=email,
                consent=consent,
                locale=locale,
                source=source,
                honeypot=website,
                ip=services.client_ip(request),
                site=_site(info),
            )
        )


class ConfirmNewsletter(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        locale = graphene.String()

    Output = NewsletterPayload

    @staticmethod
    def mutate(root, info, token, locale=None):
        return _payload(services.confirm(token, locale))


class UnsubscribeNewsletter(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        locale = graphene.String()

    Output = NewsletterPayload

    @staticmethod
    def mutate(root, info, token, locale=None):
        return _payload(services.unsubscribe(token, locale))


class NewsletterMutation(graphene.ObjectType):
    subscribe_newsletter = SubscribeNewsletter.Field()
    confirm_newsletter = ConfirmNewsletter.Field()
    unsubscribe_newsletter = UnsubscribeNewsletter.Field()

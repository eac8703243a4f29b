"""The newsroom's groups, section permissions and the "Relecture" workflow (issue 13, item 4):
created idempotently, a rédacteur submits but cannot publish, the secrétariat publishes."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from news import roles
from news.models import ArticlePage
from tests.factories import make_article, make_section, make_site


@pytest.fixture
def newsroom(db):
    home = make_site()
    sections = [make_section(home, "Monde", slug="monde"),
                make_section(home, "Sport", slug="sport", menu_order=2)]  # fmt: skip
    roles.ensure_roles()
    User = get_user_model()  # noqa: N806
    users = {}
    for name in roles.ROLES:
        user = User.objects.create_user(f"u-{len(users)}", "", "motdepasse-de-test")
        user.groups.add(Group.objects.get(name=name))
        users[name] = user
    return {"home": home, "sections": sections, "users": users}


def _counts():
    return (
        Group.objects.filter(name__in=roles.ROLES).count(),
        GroupPagePermission.objects.count(),
        WorkflowPage.objects.count(),
        Workflow.objects.filter(name=roles.WORKFLOW).count(),
        sum(group.permissions.count() for group in Group.objects.all()),
    )


def test_roles_are_created_once_whatever_the_number_of_runs(newsroom):
    before = _counts()
    call_command("ensure_roles", stdout=StringIO())
    call_command("ensure_roles", stdout=StringIO())
    assert _counts() == before
    assert before[0] == 4


def test_every_rubrique_runs_the_review_workflow(newsroom):
    for section in newsroom["sections"]:
        assert section.get_workflow().name == roles.WORKFLOW
    stock = Workflow.objects.filter(name=roles.STOCK_WORKFLOW).first()
    assert stock is None or not stock.active


def test_permissions_are_granted_per_rubrique(newsroom):
    writers = Group.objects.get(name=roles.WRITERS)
    granted = set(
        GroupPagePermission.objects.filter(group=writers).values_list("page_id", flat=True)
    )
    assert granted == {section.pk for section in newsroom["sections"]}


def test_a_writer_may_write_but_not_publish_and_the_desk_may_publish(newsroom):
    section = newsroom["sections"][0]
    writer = newsroom["users"][roles.WRITERS]
    desk = newsroom["users"][roles.DESK]
    assert section.permissions_for_user(writer).can_add_subpage()
    assert not section.permissions_for_user(writer).can_publish_subpage()
    assert section.permissions_for_user(desk).can_publish_subpage()
    assert not newsroom["home"].permissions_for_user(writer).can_add_subpage()


def test_a_forged_publish_from_a_writer_is_refused(client, newsroom):
    section = newsroom["sections"][0]
    writer = newsroom["users"][roles.WRITERS]
    client.force_login(writer)
    form = {
        "title": "Un papier publié en douce",
        "slug": "papier-en-douce",
        "standfirst": "Chapô.",
        "action-publish": "1",
        "body-count": "0",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "0",
        "article_authors-MAX_NUM_FORMS": "1000",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    client.post(f"/admin/pages/add/news/articlepage/{section.pk}/", form)
    page = ArticlePage.objects.filter(slug="papier-en-douce").first()
    assert page is not None, "the writer's draft was not saved"
    assert not page.live
    # The same forged POST on the edit view.
    client.post(f"/admin/pages/{page.pk}/edit/", form)
    page.refresh_from_db()
    assert not page.live
    # Nor can the writer publish someone else's article.
    other = make_article(section, "Déjà en ligne", slug="deja-en-ligne")
    assert not other.permissions_for_user(writer).can_publish()


def test_a_new_rubrique_created_in_the_admin_gets_roles_and_workflow(client, newsroom):
    chief = newsroom["users"][roles.CHIEFS]
    client.force_login(chief)
    response = client.post(
        f"/admin/pages/add/news/sectionpage/{newsroom['home'].pk}/",
        {
            "title": "Culture",
            "slug": "culture",
            "description": "",
            "menu_order": "5",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },  # fmt: skip
    )
    assert response.status_code == 302, response.content[:2000]
    from news.models import SectionPage

    culture = SectionPage.objects.get(slug="culture")
    assert culture.get_workflow().name == roles.WORKFLOW
    assert GroupPagePermission.objects.filter(
        group__name=roles.WRITERS, page=culture, permission__codename="add_page"
    ).exists()


def test_demo_accounts_are_created_once_with_passwords_printed_once(newsroom):
    out = StringIO()
    call_command("ensure_roles", "--demo-accounts", stdout=out)
    first = out.getvalue()
    assert first.count("mot de passe (affiché une seule fois)") == 4
    User = get_user_model()  # noqa: N806
    writer = User.objects.get(username="redaction")
    assert writer.groups.filter(name=roles.WRITERS).exists()
    password = first.split("redaction / mot de passe (affiché une seule fois) : ")[1].split()[0]
    assert writer.check_password(password)
    again = StringIO()
    call_command("ensure_roles", "--demo-accounts", stdout=again)
    assert "mot de passe" not in again.getvalue()

"""Test data built through the services, so it obeys the same invariants."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from annotations import roles, services
from annotations.models import (
    Article,
    ArticleCapture,
    Claim,
    LinkState,
    Source,
    SourceSnapshot,
    Stance,
    Status,
)
from annotations.services import reviewing

_serial = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True  # the role hook saves nothing on the user

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """The user's role (a group roles.install_roles made); editor unless given.

        ``UserFactory(role="")`` makes a signed-in user with no role.
        """
        name = "editor" if extracted is None else extracted
        if create and name:
            group = Group.objects.filter(name=name).first()
            if group is None:  # a transactional test emptied the database
                roles.install_roles()
                group = Group.objects.get(name=name)
            user.groups.add(group)


def sentences(count: int, *, start: int = 0) -> str:
    """``count`` distinct sentences, alternating Chinese and English."""
    lines = []
    for n in range(start, start + count):
        if n % 2:
            lines.append(
                f"Sentence {n} says the company raised ${n}.5 million in 2023."
            )
        else:
            lines.append(
                f"\u7b2c{n}\u53e5\u8bdd\u8bf4\u516c\u53f8\u5728{n}\u5e74\u6210\u7acb\u3002"
            )
    return "\n".join(lines)


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article imported through services.import_article."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.LazyFunction(lambda: sentences(3, start=next(_serial) * 1000))
    url = "https://news.example.org/story"
    publisher = "Example News"
    imported_by = None
    # Hints and triage cost about a second per 60,000 characters (jieba);
    # tests of them ask for it with analyse=True.
    analyse = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Article:
        return services.import_article(**kwargs)


def claim_of(article: Article, position: int = 1) -> Claim:
    return article.claims.get(position=position)


def add_source(claim: Claim, **overrides) -> Source:
    data = {
        "url": "https://example.org/evidence",
        "title": "Evidence",
        "publisher": "Example",
        "quote": "A passage.",
        "stance": Stance.SUPPORTS,
    }
    return services.add_source(claim=claim, **{**data, **overrides})


def fresh(claim: Claim) -> Claim:
    """The claim as stored now."""
    return Claim.objects.get(pk=claim.pk)


def judge(claim: Claim, verdict: str, rationale: str = "Checked.", editor=None):
    """Record a verdict through the service, from the claim's current version."""
    current = fresh(claim)
    return services.set_verdict(
        claim=current,
        verdict=verdict,
        rationale=rationale,
        editor=editor,
        expected_version=current.version,
    )


def make_editor(username: str = "editor"):
    """A user with the editor role."""
    return UserFactory(username=username, role="editor")


def _reviewer():
    return UserFactory(username="reviewer", role="reviewer")


def approve(claim: Claim, reviewer=None, comment: str = "") -> Claim:
    """Approve a claim's draft (or pending correction) from its current version.

    Without ``reviewer``, as the user "reviewer".
    """
    current = fresh(claim)
    return reviewing.approve(
        claim=current,
        reviewer=reviewer or _reviewer(),
        expected_version=current.version,
        comment=comment,
    )


def publish(claim: Claim, reviewer=None) -> Claim:
    """Approve a draft if needed, then publish it, as ``reviewer``."""
    reviewer = reviewer or _reviewer()
    current = fresh(claim)
    if current.status == Status.DRAFT:
        current = approve(current, reviewer)
    return reviewing.publish(
        claim=current, reviewer=reviewer, expected_version=current.version
    )


def archived(source: Source, **fields) -> SourceSnapshot:
    """Give ``source`` an archived copy, as archiving would, without fetching."""
    snapshot = SourceSnapshot.objects.create(
        **{
            "source": source,
            "fetched_at": timezone.now(),
            "status": 200,
            "final_url": source.url,
            "content_type": "text/html",
            "text": "The evidence.",
            "sha256": "0" * 64,
            "size": 30,
            **fields,
        }
    )
    archive = {"archive": snapshot, "link_state": LinkState.OK}
    Source.objects.filter(pk=source.pk).update(**archive)
    return snapshot


def captured(article: Article) -> ArticleCapture:
    """A page kept with ``article`` as if it had been imported from a link."""
    return ArticleCapture.objects.create(
        article=article,
        requested_url="https://news.example.org/a",
        final_url="https://news.example.org/b",
        status=200,
        fetched_at=timezone.now(),
        html=b"<p>Page</p>",
        sha256="0" * 64,
    )

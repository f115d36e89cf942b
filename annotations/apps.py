from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Fact checks")

    def ready(self) -> None:
        # Per-process memories of who may do what forget on any change
        # (annotations/tokens.py, annotations/roles.py).
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.db.models import signals

        from . import roles, tokens
        from .models import ApiToken

        User = get_user_model()
        for model in (ApiToken, User, Group, Permission):
            signals.post_save.connect(tokens.forget_tokens, sender=model)
            signals.post_delete.connect(tokens.forget_tokens, sender=model)
        for through in (User.groups.through, User.user_permissions.through):
            signals.m2m_changed.connect(tokens.forget_tokens, sender=through)
        for model in (Group, Permission):
            signals.post_save.connect(roles.forget_roles, sender=model)
            signals.post_delete.connect(roles.forget_roles, sender=model)
        granted = Group.permissions.through
        signals.m2m_changed.connect(roles.forget_roles, sender=granted)
        # The role groups follow roles.py after every migrate, so no migration
        # has to import it (a migration must not change when roles.py does).
        signals.post_migrate.connect(roles.install_roles, sender=self)
        from . import ratings
        from .models import Rating

        signals.post_save.connect(ratings.forget_scale, sender=Rating)
        signals.post_delete.connect(ratings.forget_scale, sender=Rating)

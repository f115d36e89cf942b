"""``Authorization: Token <key>`` against the hashed keys of annotations/tokens.py."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from annotations import tokens


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's token header, looked up by the key's SHA-256."""

    def authenticate_credentials(self, key: str):
        token = tokens.find_token(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)

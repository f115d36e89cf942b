"""The API's JSON renderer (orjson) writes what DRF's own would."""

from __future__ import annotations

import datetime
import decimal
import json

from django.utils.translation import gettext_lazy
from rest_framework import renderers

from annotations.api.rendering import JSONRenderer
from annotations.api.views import ClaimViewSet

DOCUMENT = {
    "id": 7,
    "text": '焦剑涛说 “3.5 倍” \u2028 next line \u2029 and \\ " quotes',
    "when": datetime.datetime(2026, 12, 7, 2, 5, 12, 501560, tzinfo=datetime.UTC),
    "whole second": datetime.datetime(2026, 12, 7, 2, 5, 12, tzinfo=datetime.UTC),
    "day": datetime.date(2026, 12, 7),
    "time": datetime.time(9, 30),
    "amount": decimal.Decimal("12.50"),
    "message": gettext_lazy("A title is required."),
    "counts": {1: "one", 2: "two"},
    "score": 0.1 + 0.2,
    "nothing": None,
    "nested": [[], {}, [True, False]],
}


def drf(data, media_type: str | None = None) -> bytes:
    return renderers.JSONRenderer().render(data, media_type)


def test_renders_the_bytes_drf_renders():
    assert JSONRenderer().render(DOCUMENT) == drf(DOCUMENT)


def test_escapes_line_separators_as_drf_does_for_javascript():
    written = JSONRenderer().render({"text": "a\u2028b\u2029c"})
    assert written == b'{"text":"a\\u2028b\\u2029c"}'
    assert json.loads(written) == {"text": "a\u2028b\u2029c"}


def test_an_integer_beyond_64_bits_goes_drfs_way():
    document = {"big": 2**70, "text": "still written"}
    assert JSONRenderer().render(document) == drf(document)


def test_indented_output_goes_drfs_way():
    media_type = "application/json; indent=2"
    written = JSONRenderer().render(DOCUMENT, media_type)
    assert written == drf(DOCUMENT, media_type)
    assert b'\n  "id": 7' in written


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_the_api_answers_with_it():
    assert ClaimViewSet.renderer_classes[0] is JSONRenderer

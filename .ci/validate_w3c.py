#!/usr/bin/env python3
"""Validate our W3C Web Annotation export against the W3C test-suite schemas.

Usage:
    python .ci/validate_w3c.py EXPORT.jsonld [--suite DIR] [--allow-empty]

EXPORT is an ``AnnotationCollection`` (``first`` is an embedded
``AnnotationPage`` or an IRI) or a bare ``AnnotationPage``.

The suite is a copy of https://github.com/w3c/web-annotation-tests kept
outside the repository (default: ``../shared/conformance/web-annotation-tests``
relative to the repo root). It is read in place, never copied.

Suite format (JSONtest): a ``.test`` file lists assertion files (paths relative
to the suite root). Each assertion is a JSON Schema draft-04 document with the
extra keys ``assertionType`` (must/should/may), ``expectedResult``
(valid/invalid) and ``errorMessage``; a ``.test`` may name assertion types in
``skipFailures``. An assertion passes when the validation outcome matches
``expectedResult``. Assertions ``$ref`` the shared definitions by relative ids
("annotations.json#/definitions/..."); every schema file of the suite is
registered under its ``id`` so that those resolve.

Checks:
  * the collection against ``collections/collectionMusts.test``;
  * each page (the embedded ``first`` page, or the bare page) against
    ``collections/pages/pageMusts.test``;
  * each embedded Annotation of the page's ``items`` against
    ``annotations/annotationMusts.test``, plus any ``*Musts.test`` under
    ``annotations/bodiesTargets`` and ``annotations/specificResource``.
The matching ``*Optionals.test`` files run too; what they find is reported on
``note:`` lines only, as are should/may failures and skipFailures.

Embedded pages and annotations inherit the enclosing document's ``@context``
(JSON-LD), as in the suite's own ``tools/samples/correct/collection1.json``:
they are validated with that ``@context`` added when they have none.

Exit status: 0 when every must assertion passed; 1 when one failed, or when
the export holds no annotation (unless ``--allow-empty``); 2 when the export
or the suite cannot be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

try:
    import jsonschema
    import referencing
    import referencing.exceptions
    from jsonschema.exceptions import ValidationError, best_match
    from referencing.jsonschema import DRAFT4
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(
        f"validate_w3c: {exc}. Install the requirements "
        "(.venv/bin/pip install -r requirements.txt)."
    )

DEFAULT_SUITE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "conformance"
    / "web-annotation-tests"
)

COLLECTION_MUSTS = ["collections/collectionMusts.test"]
COLLECTION_OPTIONALS = ["collections/collectionOptionals.test"]
PAGE_MUSTS = ["collections/pages/pageMusts.test"]
PAGE_OPTIONALS = ["collections/pages/pageOptionals.test"]
ANNOTATION_MUSTS = ["annotations/annotationMusts.test"]
ANNOTATION_OPTIONALS = [
    "annotations/annotationOptionals.test",
    "annotations/annotationsAgentOptionals.test",
]
# The body/target and SpecificResource assertions live in these folders. The
# 2016 suite lists them in annotationMusts.test / annotationOptionals.test;
# separate .test files there, if a later copy has them, are run as well.
ANNOTATION_SUBDIRS = ["annotations/bodiesTargets", "annotations/specificResource"]

MAX_MESSAGE = 300


# --------------------------------------------------------------------------
# Formats. jsonschema checks "uri" and "date-time" only when optional
# packages (rfc3987, rfc3339-validator) happen to be installed and silently
# skips them otherwise, so check both here: the result must not depend on
# what else is in the venv.
# --------------------------------------------------------------------------

# Absolute IRI: a scheme, then no whitespace, control characters or
# characters excluded from IRIs (RFC 3987). Non-ASCII is allowed.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*")
# RFC 3339 date-time; the time zone is required.
_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hms>\d{2}:\d{2}:\d{2})(?:\.\d+)?"
    r"(?P<tz>[Zz]|[+-]\d{2}:\d{2})"
)


def _is_iri(instance: object) -> bool:
    return not isinstance(instance, str) or _IRI.fullmatch(instance) is not None


def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    m = _DATE_TIME.fullmatch(instance)
    if m is None:
        return False
    hms = m["hms"]
    if hms.endswith(":60"):  # leap second
        hms = hms[:-2] + "59"
    tz = "+00:00" if m["tz"] in ("Z", "z") else m["tz"]
    try:
        datetime.fromisoformat(f"{m['date']}T{hms}{tz}")
    except ValueError:
        return False
    return True


def make_format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(
        formats=jsonschema.Draft4Validator.FORMAT_CHECKER.checkers
    )
    checker.checks("uri")(_is_iri)
    checker.checks("date-time")(_is_date_time)
    return checker


# --------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------


class SuiteError(Exception):
    """The suite cannot be used at all."""


@dataclass
class Assertion:
    path: str  # relative to the suite root, e.g. "annotations/3.1-....json"
    schema: dict[str, Any]
    validator: jsonschema.Draft4Validator

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def assertion_type(self) -> str:
        # JSONtest: assertionType defaults to "must".
        return str(self.schema.get("assertionType", "must")).lower()

    @property
    def expected_valid(self) -> bool:
        return str(self.schema.get("expectedResult", "valid")).lower() != "invalid"

    @property
    def error_message(self) -> str:
        return str(self.schema.get("errorMessage") or self.schema.get("title") or "")


@dataclass
class TestList:
    path: str
    skip_failures: frozenset[str]
    assertions: list[str]


@dataclass
class Suite:
    root: Path
    registry: referencing.Registry
    format_checker: jsonschema.FormatChecker
    schemas: dict[str, dict[str, Any]]  # suite-relative path -> schema
    info: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _assertions: dict[str, Assertion | None] = field(default_factory=dict)

    def assertion(self, path: str) -> Assertion | None:
        """The assertion at a suite-relative path, or None when missing."""
        if path not in self._assertions:
            schema = self.schemas.get(path)
            if schema is None:
                self._assertions[path] = None
            else:
                # The assertion is the root resource: jsonschema puts it in
                # the registry under its own id, over any other file with the
                # same id, so each assertion is checked with its own content.
                validator = jsonschema.Draft4Validator(
                    schema,
                    registry=self.registry,
                    format_checker=self.format_checker,
                )
                self._assertions[path] = Assertion(path, schema, validator)
        return self._assertions[path]

    def test_list(self, path: str) -> TestList | None:
        file = self.root / path
        if not file.is_file():
            return None
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SuiteError(f"{path}: cannot read ({exc})") from exc
        assertions: list[str] = []
        for entry in data.get("assertions", []):
            if isinstance(entry, str):
                assertions.append(entry)
            else:
                # Nested assertion lists (JSONtest "or" groups) are not used
                # by this suite; say so rather than ignore them silently.
                self.warnings.append(
                    f"{path}: nested assertion entry not supported, skipped: "
                    f"{json.dumps(entry)[:120]}"
                )
        skip = frozenset(str(s).lower() for s in data.get("skipFailures") or [])
        return TestList(path, skip, assertions)


def _is_schema(data: object) -> bool:
    return isinstance(data, dict) and "json-schema.org" in str(data.get("$schema", ""))


def _path_rank(path: str) -> tuple[int, str]:
    # For an id shared by different files, the shared definitions win.
    return (0 if path.startswith("definitions/") else 1, path)


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def load_suite(root: Path) -> Suite:
    if not root.is_dir():
        raise SuiteError(
            f"suite directory not found: {root}\n"
            "  (a copy of https://github.com/w3c/web-annotation-tests; "
            "pass its location with --suite DIR)"
        )
    schemas: dict[str, dict[str, Any]] = {}
    by_id: dict[str, list[str]] = {}
    for file in sorted(root.rglob("*.json")):
        rel = file.relative_to(root).as_posix()
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a schema (tools/samples/incorrect has broken JSON)
        if not _is_schema(data):
            continue  # e.g. tools/samples/*.json
        schemas[rel] = data
        schema_id = data.get("id")
        if not isinstance(schema_id, str) or not schema_id:
            schema_id = file.name
        by_id.setdefault(schema_id, []).append(rel)
    if not schemas:
        raise SuiteError(f"no JSON Schema files found under {root}")

    info: list[str] = []
    warnings: list[str] = []
    resources = []
    for schema_id, paths in sorted(by_id.items()):
        paths.sort(key=_path_rank)
        if len(paths) > 1:
            if all(schemas[p] == schemas[paths[0]] for p in paths[1:]):
                info.append(
                    f'id "{schema_id}" is shared by identical files: '
                    + ", ".join(paths)
                )
            else:
                warnings.append(
                    f'id "{schema_id}" is shared by different files: '
                    f"{', '.join(paths)}; a $ref to it resolves to {paths[0]} "
                    "(each assertion is still checked with its own content)"
                )
        resources.append((schema_id, DRAFT4.create_resource(schemas[paths[0]])))
    registry = referencing.Registry().with_resources(resources).crawl()

    # Check every schema, and every $ref in it, up front: a broken one would
    # otherwise surface only when an export happens to reach it.
    for path, schema in schemas.items():
        try:
            jsonschema.Draft4Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as exc:
            warnings.append(f"{path} is not a valid draft-04 schema: {exc.message}")
        resource = DRAFT4.create_resource(schema)
        resolver = registry.resolver_with_root(resource)
        for ref in sorted(set(_refs(schema))):
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                warnings.append(f"{path}: $ref {ref!r} does not resolve")
    return Suite(root, registry, make_format_checker(), schemas, info, warnings)


# --------------------------------------------------------------------------
# Running assertions
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    passed: bool
    error: str = ""  # why validation gave the unexpected result
    broken: str = ""  # the assertion could not be evaluated (bad $ref)


def _shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> str:
    keyword_path = "/".join(str(p) for p in error.absolute_schema_path)
    return f"{_shorten(error.message)} [at {error.json_path}; schema {keyword_path}]"


def evaluate(assertion: Assertion, instance: object, explain: bool) -> Outcome:
    """Run one assertion; with ``explain``, say why it failed."""
    validator = assertion.validator
    try:
        valid = validator.is_valid(instance)
        if valid == assertion.expected_valid:
            return Outcome(True)
        if not explain:
            return Outcome(False)
        if valid:
            return Outcome(False, error="valid, but the assertion expects invalid")
        error = best_match(validator.iter_errors(instance))
    except referencing.exceptions.Unresolvable as exc:
        return Outcome(False, broken=f"unresolvable $ref: {exc}")
    return Outcome(False, error=_describe(error) if error else "invalid")


@dataclass
class Subject:
    label: str  # e.g. "collection <id>", "page <id>", "items[3] <id>"
    instance: object


@dataclass
class Report:
    must_passed: int = 0
    must_failed: int = 0
    optional_passed: int = 0
    notes: int = 0
    missing: dict[str, set[str]] = field(default_factory=dict)  # path -> tests
    # (assertion path, type) -> labels of the subjects not meeting it
    note_groups: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def gather(
    suite: Suite, tests: Iterable[str], report: Report, required: bool
) -> list[tuple[str, TestList]]:
    """The assertions of some .test files, each once: (assertion path, test)."""
    seen: dict[str, TestList] = {}
    for test_path in tests:
        test = suite.test_list(test_path)
        if test is None:
            if required:
                report.must_failed += 1
                print(f"FAIL {test_path} is not in the suite at {suite.root}")
            else:
                print(f"info: {test_path} is not in the suite; not run")
            continue
        for path in test.assertions:
            seen.setdefault(path, test)
    return list(seen.items())


def run(
    suite: Suite,
    subjects: list[Subject],
    musts: list[str],
    optionals: list[str],
    report: Report,
) -> None:
    if not subjects:
        return
    for required, tests in ((True, musts), (False, optionals)):
        for path, test in gather(suite, tests, report, required):
            assertion = suite.assertion(path)
            if assertion is None:
                report.missing.setdefault(path, set()).add(test.path)
                continue
            kind = assertion.assertion_type
            enforced = required and kind == "must" and kind not in test.skip_failures
            for subject in subjects:
                outcome = evaluate(assertion, subject.instance, explain=enforced)
                if outcome.passed:
                    if enforced:
                        report.must_passed += 1
                    else:
                        report.optional_passed += 1
                elif enforced:
                    report.must_failed += 1
                    print(f"FAIL {subject.label}: {assertion.name} ({kind})")
                    print(f"     {_shorten(assertion.error_message, 400)}")
                    print(f"     jsonschema: {outcome.broken or outcome.error}")
                else:
                    report.notes += 1
                    if outcome.broken:
                        print(
                            f"note: {subject.label}: {assertion.name} could not "
                            f"be evaluated: {outcome.broken}"
                        )
                    key = (path, kind)
                    report.note_groups.setdefault(key, []).append(subject.label)


def print_notes(suite: Suite, report: Report) -> None:
    for (path, kind), labels in report.note_groups.items():
        assertion = suite.assertion(path)
        message = _shorten(assertion.error_message if assertion else "", 200)
        shown = ", ".join(labels[:3])
        if len(labels) > 3:
            shown += f", … ({len(labels)} in all)"
        name = path.rsplit("/", 1)[-1]
        print(f"note: {name} ({kind}) not met by {shown}: {message}")


# --------------------------------------------------------------------------
# The export
# --------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("type", [])
    if isinstance(value, str):
        return {value}
    return (
        {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
    )


def _label(prefix: str, node: object) -> str:
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        return f"{prefix} <{node['id']}>"
    return prefix


@dataclass
class Export:
    collections: list[Subject]
    pages: list[Subject]
    annotations: list[Subject]
    info: list[str]


def split_export(doc: dict[str, Any]) -> Export:
    """The collection, pages and annotations of an export document."""
    export = Export([], [], [], [])
    inherited = 0

    def embedded(node: dict[str, Any], context: object) -> dict[str, Any]:
        # JSON-LD: an embedded node is in the scope of the enclosing @context.
        nonlocal inherited
        if "@context" in node or context is None:
            return node
        inherited += 1
        return {"@context": context, **node}

    types = _types(doc)
    is_collection = "AnnotationCollection" in types or (
        "AnnotationPage" not in types and ("first" in doc or "total" in doc)
    )
    is_page = not is_collection and ("AnnotationPage" in types or "items" in doc)
    if not (is_collection or is_page):
        raise ValueError(
            "the export is neither an AnnotationCollection nor an AnnotationPage "
            f"(type {doc.get('type')!r})"
        )
    context = doc.get("@context")
    if is_collection:
        export.collections.append(Subject(_label("collection", doc), doc))
        first = doc.get("first")
        if isinstance(first, list) and len(first) == 1:
            first = first[0]
        if isinstance(first, dict):
            page = embedded(first, context)
            export.pages.append(Subject(_label("page", first), page))
        elif first is None:
            export.info.append("the collection has no first page")
        else:
            export.info.append(
                f"first is a reference ({first!r}); no embedded page to check"
            )
    else:
        export.pages.append(Subject(_label("page", doc), doc))

    for page in export.pages:
        node = page.instance
        assert isinstance(node, dict)
        if node.get("next"):
            export.info.append(
                f"{page.label} has next {node['next']!r}: "
                "only the annotations embedded in this export are checked"
            )
        items = node.get("items")
        if not isinstance(items, list):
            continue  # 5.2-pageItemsValidated reports it
        page_context = node.get("@context")
        for index, item in enumerate(items):
            if isinstance(item, dict):
                export.annotations.append(
                    Subject(
                        _label(f"items[{index}]", item), embedded(item, page_context)
                    )
                )
            else:
                export.info.append(
                    f"items[{index}] is a reference ({item!r}); not checked"
                )
    if inherited:
        export.info.append(
            f"{inherited} embedded page/annotation object(s) without @context "
            "checked with the enclosing document's @context (JSON-LD scope)"
        )
    return export


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate a W3C Web Annotation export (AnnotationCollection "
        "or AnnotationPage) against the W3C web-annotation-tests schemas."
    )
    parser.add_argument("export", type=Path, help="the export (JSON-LD)")
    parser.add_argument(
        "--suite",
        type=Path,
        default=DEFAULT_SUITE,
        help="the web-annotation-tests directory (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="do not fail when the export holds no annotation",
    )
    args = parser.parse_args(argv)

    try:
        doc = json.loads(args.export.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"validate_w3c: cannot read {args.export}: {exc}", file=sys.stderr)
        return 2
    if not isinstance(doc, dict):
        print(f"validate_w3c: {args.export}: not a JSON object", file=sys.stderr)
        return 2
    try:
        export = split_export(doc)
        suite = load_suite(args.suite.resolve())
    except (ValueError, SuiteError) as exc:
        print(f"validate_w3c: {exc}", file=sys.stderr)
        return 2

    print(f"suite: {suite.root} ({len(suite.schemas)} schema files)")
    for line in suite.info:
        print(f"info: {line}")
    for line in suite.warnings:
        print(f"warning: {line}")
    for line in export.info:
        print(f"info: {line}")

    report = Report()
    run(suite, export.collections, COLLECTION_MUSTS, COLLECTION_OPTIONALS, report)
    run(suite, export.pages, PAGE_MUSTS, PAGE_OPTIONALS, report)

    def more(pattern: str) -> list[str]:
        return [
            p.relative_to(suite.root).as_posix()
            for sub in ANNOTATION_SUBDIRS
            for p in sorted((suite.root / sub).glob(pattern))
        ]

    run(
        suite,
        export.annotations,
        ANNOTATION_MUSTS + more("*Musts.test"),
        ANNOTATION_OPTIONALS + more("*Optionals.test"),
        report,
    )
    print_notes(suite, report)
    for path, tests in sorted(report.missing.items()):
        print(
            f"MISSING: {path} (listed in {', '.join(sorted(tests))}) is not in "
            "the suite copy; not checked"
        )

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    summary = (
        "W3C Web Annotation suite: "
        f"{plural(len(export.collections), 'collection')}, "
        f"{plural(len(export.pages), 'page')}, "
        f"{plural(len(export.annotations), 'annotation')}; "
        f"{report.must_passed} must assertions passed, {report.must_failed} failed; "
        f"{plural(report.notes, 'optional note')}"
    )
    if report.missing:
        summary += f"; {len(report.missing)} assertion files missing from the suite"
    print(summary)

    empty = not export.annotations
    if empty and args.allow_empty:
        print("info: the export holds no annotation (--allow-empty)")
    elif empty:
        print(
            "FAIL the export holds no annotation, which proves nothing: "
            "export some, or pass --allow-empty"
        )
    return 1 if report.must_failed or (empty and not args.allow_empty) else 0


if __name__ == "__main__":
    sys.exit(main())

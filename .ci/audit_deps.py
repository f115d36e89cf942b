"""Audit the pinned requirements for known vulnerabilities with pip-audit.

    python .ci/audit_deps.py PIP_AUDIT REQUIREMENTS ACCEPTED

pip-audit asks PyPI for each pinned release's known vulnerabilities. It
reports a release it could not ask about as skipped and still exits 0, so
this script reads its JSON report and fails on:

- any vulnerability not accepted in ACCEPTED (a line `ID  reason`);
- any pin pip-audit could not audit that the fallback below cannot clear.

The fallback: some networks (this project's CI machine among them) reach
PyPI's project pages but not its per-release ones, and no other vulnerability
database. For such a pin, PyPI's project page still lists the known
vulnerabilities of the project's *latest* release: a pin that is the latest
release is cleared when that list is empty (or all accepted). A pin behind the
latest release must be named in ACCEPTED (a line `name==version  reason`) and
must be the newest release of its own series (same major.minor): a security
release in that series fails the audit until the pin moves.
"""

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPI = "https://pypi.org/pypi/{}/json"


def accepted_key(key: str) -> str:
    """A vulnerability id, or ``name==version`` with the name canonical."""
    name, pinned, version = key.partition("==")
    return f"{canonicalize_name(name)}=={version}" if pinned else key.lower()


def read_accepted(path: Path) -> dict[str, str]:
    """``{vulnerability id or name==version: reason}`` from ``path``."""
    accepted = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{path}: {key} has no reason written down")
        accepted[accepted_key(key)] = reason.strip()
    return accepted


def read_pins(path: str) -> dict[str, str]:
    """``{canonical name: pinned version}`` of the file and those it includes."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0].strip()
        if line.startswith("-r "):  # requirements-dev.txt includes the runtime pins
            pins |= read_pins(str(Path(path).parent / line[3:].strip()))
        elif line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier  # every line pins with ==
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def run_pip_audit(pip_audit: str, requirements: str) -> list[dict]:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        result = subprocess.run(  # noqa: S603 (the command line is ours)
            [
                pip_audit,
                "--requirement",
                requirements,
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                "pypi",
                "--format",
                "json",
                "--output",
                report.name,
                "--progress-spinner",
                "off",
            ],
            check=False,  # exit 1 means vulnerabilities: the report says which
            capture_output=True,  # its summary counts skipped pins as clean
            text=True,
        )
        try:
            return json.loads(Path(report.name).read_text())["dependencies"]
        except ValueError:
            sys.exit(f"pip-audit wrote no report:\n{result.stdout}{result.stderr}")


def project_page(name: str) -> dict:
    url = PYPI.format(name)  # always https
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return json.load(response)


def series(version: Version) -> tuple[int, ...]:
    return version.release[:2]


def check_from_project_page(name: str, pinned: str, accepted: dict) -> str | None:
    """Why ``name==pinned`` fails the fallback check, or None if it passes."""
    page = project_page(name)
    latest = page["info"]["version"]
    if pinned == latest:
        known = [v["id"] for v in page.get("vulnerabilities", [])]
        open_ids = [id_ for id_ in known if id_.lower() not in accepted]
        return f"known vulnerabilities {open_ids}" if open_ids else None
    if accepted_key(f"{name}=={pinned}") not in accepted:
        return f"behind the latest release {latest}, and not accepted in the file"
    pinned_version = Version(pinned)
    newer = [
        release
        for release in page["releases"]
        if not Version(release).is_prerelease
        and series(Version(release)) == series(pinned_version)
        and Version(release) > pinned_version
    ]
    if newer:
        newer.sort(key=Version)
        return f"its series has newer releases {newer}: move the pin"
    return None


def main(pip_audit: str, requirements: str, accepted_file: str) -> int:
    accepted = read_accepted(Path(accepted_file))
    pins = read_pins(requirements)
    failures = []
    skipped = []
    dependencies = run_pip_audit(pip_audit, requirements)
    for dependency in dependencies:
        name = dependency["name"]
        version = pins[canonicalize_name(name)]
        if "skip_reason" in dependency:
            skipped.append((name, version))
            continue
        for vulnerability in dependency.get("vulns", []):
            if vulnerability["id"].lower() not in accepted:
                fixed = vulnerability["fix_versions"]
                failures.append(
                    f"{name}=={version}: {vulnerability['id']} (fixed in {fixed})"
                )
    audited = len(dependencies) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(dependencies)} pins audited "
        "against PyPI's per-release data"
    )
    if skipped:
        print(
            f"pip-audit could not reach per-release data for {len(skipped)} pins; "
            "checking them against PyPI's project pages instead"
        )
    for name, version in skipped:
        problem = check_from_project_page(name, version, accepted)
        reason = accepted.get(accepted_key(f"{name}=={version}"))
        if problem:
            failures.append(f"{name}=={version}: {problem}")
        elif reason:
            print(f"  accepted {name}=={version}: {reason}")
    if failures:
        print("Dependency audit FAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print("Dependency audit: no known vulnerabilities in the pinned requirements")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

"""Fails (exit 1) on every finding of an outloud JSON report that .ci/outloud-known does not list.

Usage: outloud-findings.py REPORT.json KNOWN

KNOWN has one finding a line, `RULE p.PAGE`, then ` # ` and why it is not a fault of the PDF;
`#` starts a comment. A listed finding that no longer occurs fails too, so the list stays true.
"""

import json
import sys


def main() -> int:
    report, known_path = sys.argv[1], sys.argv[2]
    known = {}
    with open(known_path, encoding="utf-8") as f:
        for line in f:
            key = line.split("#", 1)[0].strip()
            if key:
                known[key] = line.strip()
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    bad, seen = [], set()
    for result in data["results"]:
        if result.get("error"):
            bad.append(f"{result['path']}: {result['error']}")
        for finding in result.get("findings", []):
            key = f"{finding['rule']} p.{finding.get('page')}"
            if key in known:
                seen.add(key)
            else:
                bad.append(f"{finding['severity']} {key}: {finding['message']}")
    for key in sorted(set(known) - seen):
        bad.append(f"{key} is listed in {known_path} but no longer found: remove it")
    for line in bad:
        print(f"outloud: {line}", file=sys.stderr)
    if not bad:
        print(f"outloud: no findings besides the {len(seen)} known false positive(s) in {known_path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

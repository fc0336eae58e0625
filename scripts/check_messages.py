"""Fail when a Swedish translation is missing or the compiled catalogue is stale."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "keywork" / "locale" / "sv" / "LC_MESSAGES"


def untranslated(po: Path) -> list[str]:
    missing: list[str] = []
    msgid: list[str] = []
    msgstr: list[str] = []
    state = ""
    fuzzy = False

    def flush() -> None:
        ident = "".join(msgid)
        if ident and (not "".join(msgstr) or fuzzy):
            missing.append(ident)

    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, state = [line[6:].strip('"')], [], "id"
        elif line.startswith("msgid_plural"):
            state = "plural"
        elif line.startswith("msgstr"):
            state = "str"
            msgstr.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"'):
            (msgid if state == "id" else msgstr if state == "str" else []).append(line.strip('"'))
        elif not line.strip():
            flush()
            msgid, msgstr, state, fuzzy = [], [], "", False
    return missing


def main() -> int:
    po = ROOT / "django.po"
    mo = ROOT / "django.mo"
    if not po.exists():
        print("no Swedish catalogue at", po)
        return 1
    missing = untranslated(po)
    if missing:
        print(f"{len(missing)} strings lack a Swedish translation, for example:")
        for m in missing[:10]:
            print("  ", m)
        return 1
    if not mo.exists():
        print("django.mo is missing: run `make messages`")
        return 1
    print("Swedish catalogue complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write the Traditional Chinese catalog from the Simplified one (OpenCC s2tw).

Taiwan-standard character forms; phrases are kept as in the Simplified catalog.

Translators maintain locale/zh_Hans; zh_Hant is derived so the two never drift. An entry
translated by hand in zh_Hant (marked with the translator comment "manual") is kept.
"""

from __future__ import annotations

from pathlib import Path

import opencc
import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def convert_catalog(domain: str = "django") -> int:
    source = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"))
    target_path = LOCALE / "zh_Hant" / "LC_MESSAGES" / f"{domain}.po"
    existing = polib.pofile(str(target_path)) if target_path.exists() else polib.POFile()
    manual = {e.msgid: e for e in existing if "manual" in (e.tcomment or "")}
    converter = opencc.OpenCC("s2tw")
    target = polib.POFile()
    target.metadata = {**source.metadata, "Language": "zh_Hant"}
    for entry in source:
        if entry.obsolete:
            continue
        if entry.msgid in manual:
            target.append(manual[entry.msgid])
            continue
        entry.msgstr = converter.convert(entry.msgstr)
        entry.msgstr_plural = {k: converter.convert(v) for k, v in entry.msgstr_plural.items()}
        target.append(entry)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    target.save(str(target_path))
    return len(target)


if __name__ == "__main__":
    print(f"zh_Hant: {convert_catalog()} entries")

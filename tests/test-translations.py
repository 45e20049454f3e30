#!/usr/bin/python3
"""Every translation in po/LINGUAS is complete and well-formed.

Usage: test-translations.py SOURCE_ROOT

Extracts the marked strings of po/POTFILES into a scratch .pot with the
keywords this project uses (_, N_, g_dngettext: a subset of meson's 'glib'
preset, which builds the real .pot), then checks each po/LANG.po with
msgcmp (every string translated, none fuzzy) and msgfmt --check (format
strings and plural forms agree with the English). TAP output.
"""
import os
import subprocess
import sys
import tempfile


def main():
    root = os.path.abspath(sys.argv[1])
    po = os.path.join(root, "po")
    languages = open(os.path.join(po, "LINGUAS")).read().split()
    n = 0
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ns-po-test-") as tmp:
        pot = os.path.join(tmp, "messages.pot")
        subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                        "--keyword=g_dngettext:2,3", "--flag=g_strdup_printf:1:c-format",
                        "--flag=g_set_error:4:c-format", "--directory", root,
                        "--files-from", os.path.join(po, "POTFILES"), "-o", pot], check=True)
        count = open(pot, encoding="utf-8").read().count("\nmsgid ") - 1
        n += 1
        print("%s %d - %d strings marked for translation" % ("ok" if count > 50 else "not ok", n, count))
        failed += count <= 50
        for lang in languages:
            path = os.path.join(po, lang + ".po")
            for what, cmd in (("complete (msgcmp)", ["msgcmp", path, pot]),
                              ("well-formed (msgfmt --check)", ["msgfmt", "--check", "-o", os.devnull, path])):
                proc = subprocess.run(cmd, capture_output=True, text=True)
                n += 1
                ok = proc.returncode == 0
                failed += not ok
                print("%s %d - %s: %s" % ("ok" if ok else "not ok", n, lang, what))
                if not ok:
                    print("# " + proc.stderr.strip().replace("\n", "\n# ")[:3000])
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

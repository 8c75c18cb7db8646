#!/bin/sh
# The command line: help, version, the man page, usage errors, exit codes; make install
# and an installed jianbao at work outside the source folder; `build .`; messages on a
# terminal (source line, caret, colour) and not on a pipe.
. tests/integration/lib.sh

check "jianbao --help names every command" sh -c "$JIANBAO --help | grep -q 'build ISSUE_DIR' && $JIANBAO --help | grep -q 'watch ISSUE_DIR' && $JIANBAO --help | grep -q import && $JIANBAO --help | grep -q preflight"
for c in build watch import preflight; do
    check "jianbao $c --help explains usage" sh -c "$JIANBAO $c --help | grep -q '^usage: jianbao $c'"
    check "jianbao help $c: the same" sh -c "$JIANBAO help $c | grep -q '^usage: jianbao $c'"
done
check "jianbao help: the general help" sh -c "$JIANBAO help | grep -q '^usage: jianbao COMMAND'"
check "jianbao help nosuch: exit 2" sh -c "$JIANBAO help nosuch >/dev/null 2>&1; test \$? -eq 2"
check "-V and --version print the version" sh -c "$JIANBAO -V | grep -qx 'jianbao [0-9.]*' && $JIANBAO --version | grep -qx 'jianbao [0-9.]*'"
check "no command: exit 2 with usage" sh -c "$JIANBAO >/dev/null 2>&1; test \$? -eq 2"
check "unknown command: exit 2" sh -c "$JIANBAO frobnicate >/dev/null 2>&1; test \$? -eq 2"
check "unknown option: exit 2 and names it" sh -c "$JIANBAO build --frob x 2>&1 | grep -q -- '--frob'; $JIANBAO build --frob x >/dev/null 2>&1; test \$? -eq 2"
check "missing issue directory: exit 1, says what" sh -c "$JIANBAO build $TMP/nowhere 2>$TMP/e; test \$? -eq 1 && grep -q 'nowhere' $TMP/e"
check "watch without an issue: exit 2" sh -c "$JIANBAO watch >/dev/null 2>&1; test \$? -eq 2"
check "man ./jianbao.1 reads from the source folder" sh -c "MANWIDTH=80 man ./jianbao.1 2>/dev/null | grep -q 'jianbao watch'"
check "the man page has no roff warnings" sh -c "! MANWIDTH=80 man --warnings ./jianbao.1 2>&1 >/dev/null | grep -q ."

# make install into a prefix; the installed program works anywhere.
SRC=$(pwd)
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")
make --no-print-directory -s install-files PREFIX="$TMP/prefix" BIN="$JIANBAO" > "$TMP/install.txt" 2>&1
check "make install: program, man page, house style, profile, completion" test \
    -x "$TMP/prefix/bin/jianbao" -a -f "$TMP/prefix/share/man/man1/jianbao.1" \
    -a -f "$TMP/prefix/share/jianbao/styles/zasto.ini" \
    -a -f "$TMP/prefix/share/jianbao/styles/icc/FOGRA39L_coated.icc" \
    -a -f "$TMP/prefix/share/bash-completion/completions/jianbao"
check "the completion script loads in bash" bash -c ". '$TMP/prefix/share/bash-completion/completions/jianbao' && complete -p jianbao"
mkdir -p "$TMP/elsewhere/2019-04"
sed 's/^month: 2019-03/month: 2019-04/' issues/2019-03/issue.md > "$TMP/elsewhere/2019-04/issue.md"
cd "$TMP/elsewhere/2019-04"
"$TMP/prefix/bin/jianbao" build . > ../dot.txt 2>&1
check "installed, outside the source folder: builds with the house style" test -s out/2019-04.pdf
check "build . names the PDF after the folder (out/2019-04.pdf, not out/..pdf)" sh -c "grep -q '^jianbao: wrote out/2019-04.pdf (' ../dot.txt && test ! -e 'out/..pdf'"
"$TMP/prefix/bin/jianbao" build --press . -o ../press.pdf > ../press.txt 2>&1
check "installed: press output finds its profile" sh -c "qpdf --qdf --object-streams=disable ../press.pdf - | grep -a -q '/S /GTS_PDFX'"
check "installed: preflight opens its plugin from lib/jianbao" sh -c "'$TMP/prefix/bin/jianbao' preflight ../press.pdf | grep -q '^preflight: 0 failures'"
mkdir -p "$TMP/lonely" && cp "$TMP/prefix/bin/jianbao" "$TMP/lonely/jianbao"
"$TMP/lonely/jianbao" preflight ../press.pdf > ../lonely.txt 2>&1
check "without its plugin, preflight says where it looked (exit 2)" sh -c "test $? -eq 2 && grep -q 'error: jianbao-preflight.so is neither in .*lonely' ../lonely.txt"
check "... and the program does not load libqpdf for a build" sh -c "! ldd '$TMP/prefix/bin/jianbao' | grep -q qpdf"
rm "$TMP/prefix/share/jianbao/styles/zasto.ini"
"$TMP/prefix/bin/jianbao" build . -o ../builtin.pdf > ../builtin.txt 2>&1
check "without any zasto.ini: the built-in house style" test -s ../builtin.pdf
sed -i 's/^style: zasto/style: zast/' issue.md
"$TMP/prefix/bin/jianbao" build . -o ../typo.pdf > ../typo.txt 2>&1
check "a misspelt style name: did you mean" grep -qx './issue.md:13:8: error: style "zast" not found; did you mean "zasto"?' ../typo.txt
cd "$SRC"

# Messages on a terminal: the source line and a caret, in colour unless NO_COLOR; on a
# pipe, the plain line only. (script gives the program a terminal.)
if command -v script >/dev/null 2>&1; then
    TERM=xterm script -qec "$BIN build tests/bad/chart-number.md -o $TMP/x.pdf" /dev/null > "$TMP/tty.txt" 2>&1
    check "on a terminal: the source line" grep -q '^   12 | series: 执行金额 | 35863.0, 8232.2万, 849.4' "$TMP/tty.txt"
    check "... a caret under the column (Han characters two cells)" grep -q "^      |                             $(printf '\033')\[1;32m^" "$TMP/tty.txt"
    check "... and colour" grep -q "$(printf '\033')\[1;31merror:" "$TMP/tty.txt"
    NO_COLOR=1 TERM=xterm script -qec "$BIN build tests/bad/chart-number.md -o $TMP/x.pdf" /dev/null > "$TMP/nocolor.txt" 2>&1
    check "NO_COLOR: the caret, no colour" sh -c "grep -q '^      |  *^' '$TMP/nocolor.txt' && ! grep -q \"\$(printf '\033')\" '$TMP/nocolor.txt'"
else
    ok "on a terminal # SKIP no script(1) here"
fi
"$JIANBAO" build tests/bad/chart-number.md -o "$TMP/x.pdf" > "$TMP/pipe.txt" 2>&1
check "not a terminal: one plain line per message" sh -c "test \$(wc -l < '$TMP/pipe.txt') -eq 2 && ! grep -q \"\$(printf '\033')\" '$TMP/pipe.txt'"
exit $status

#!/bin/sh
# Every case in tests/bad/: NAME.expected holds the exact first message.
#   an error:   a non-zero exit, no crash, no PDF written, the previous good PDF kept;
#   a warning:  the silent mistakes (exit 0, a PDF written, the warning said first).
# A case is NAME.md (an issue file), NAME.ini (a style, for the default issue), or a
# folder NAME/ holding issue folders: one is built alone, several as a batch.
. tests/integration/lib.sh
BIN=$(cd "$(dirname "$JIANBAO")" && pwd)/$(basename "$JIANBAO")

# run_case SRC: builds the case; the messages go to $TMP/err, the status to $rc.
run_case() {
    case "$1" in
        *.ini) "$JIANBAO" build issues/2019-03 --style "$1" -o "$TMP/out.pdf" 2>"$TMP/err" ;;
        *.md)  "$JIANBAO" build "$1" -o "$TMP/out.pdf" 2>"$TMP/err" ;;
        *)     set -- "$1"/*/
               for d in "$@"; do shift; set -- "$@" "${d%/}"; done
               if [ $# -eq 1 ]; then
                   "$JIANBAO" build "$1" -o "$TMP/out.pdf" 2>"$TMP/err"
               else
                   rm -rf "$TMP/batch" && mkdir "$TMP/batch" &&
                   (cd "$TMP/batch" && "$BIN" build "$@") >"$TMP/err" 2>&1
               fi ;;
    esac
    rc=$?
}

for src in tests/bad/*.md tests/bad/*.ini tests/bad/*/; do
    src=${src%/}
    [ -f "$src.expected" ] || [ -f "${src%.*}.expected" ] || continue
    case "$src" in *.md|*.ini) name=${src%.*} ;; *) name=$src ;; esac
    want=$(cat "$name.expected")
    printf 'previous good PDF\n' > "$TMP/out.pdf"
    case "$src" in
        *.md|*.ini) run_case "$src" ;;
        *) run_case "$(pwd)/$src" ;;
    esac
    case "$want" in
        *": warning: "*)
            got=$(grep -m1 'warning: ' "$TMP/err" | sed "s|$(pwd)/||g")
            if [ $rc -eq 0 ] && [ "$got" = "$want" ] && ! grep -q 'error: ' "$TMP/err"; then
                ok "$src: $want"
            else
                not_ok "$src (exit $rc)"
                echo "    # want: $want"
                echo "    # got:  $got"
            fi ;;
        *)
            got=$(grep -m1 'error: ' "$TMP/err")
            if [ $rc -eq 1 ] && [ "$got" = "$want" ] && [ "$(cat "$TMP/out.pdf")" = "previous good PDF" ] &&
               [ -z "$(ls -A "$TMP" | grep tmp)" ]; then
                ok "$src: $want"
            else
                not_ok "$src (exit $rc)"
                echo "    # want: $want"
                echo "    # got:  $got"
            fi ;;
    esac
done
exit $status

#!/bin/sh
# The subset-font cache through the command line: a rebuild with the cache warm gives
# the very bytes of a build without it; damaged entries are ignored and rewritten;
# builds running at once share the folder safely; JIANBAO_CACHE_DIR=off writes nothing.
. tests/integration/lib.sh
C=$TMP/cache

JIANBAO_CACHE_DIR=off "$JIANBAO" build issues/2019-03 -o "$TMP/off.pdf" 2>/dev/null
JIANBAO_CACHE_DIR=$C "$JIANBAO" build issues/2019-03 -o "$TMP/cold.pdf" 2>/dev/null
fonts=$(pdffonts "$TMP/off.pdf" | awk 'NR > 2' | wc -l)
check "a cold build keeps one entry per embedded font ($fonts)" \
    test "$(ls "$C"/fonts/*.fc | wc -l)" -eq "$fonts"
check "a cold build with the cache gives the bytes of a build without" cmp "$TMP/off.pdf" "$TMP/cold.pdf"
(cd "$C/fonts" && md5sum *.fc) > "$TMP/entries.md5"
touch -d '2000-01-01' "$C"/fonts/*.fc
JIANBAO_CACHE_DIR=$C "$JIANBAO" build issues/2019-03 -o "$TMP/warm.pdf" 2>/dev/null
check "a warm rebuild gives the same bytes" cmp "$TMP/off.pdf" "$TMP/warm.pdf"
check "a warm rebuild uses every entry (their times renewed)" \
    sh -c "! find '$C/fonts' -name '*.fc' ! -newermt '2001-01-01' | grep -q ."

# Every entry damaged: one byte changed in its middle, or cut short.
for f in "$C"/fonts/*.fc; do
    size=$(stat -c %s "$f")
    if [ "$size" -gt 20000 ]; then
        printf 'X' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    else
        truncate -s $((size / 2)) "$f"
    fi
done
JIANBAO_CACHE_DIR=$C "$JIANBAO" build issues/2019-03 -o "$TMP/damaged.pdf" 2>/dev/null
check "damaged entries are ignored: the same bytes" cmp "$TMP/off.pdf" "$TMP/damaged.pdf"
check "damaged entries are rewritten whole" sh -c "cd '$C/fonts' && md5sum -c --quiet '$TMP/entries.md5'"

# Three builds at once on an empty cache.
C2=$TMP/shared
for i in 1 2 3; do
    JIANBAO_CACHE_DIR=$C2 "$JIANBAO" build issues/2019-03 -o "$TMP/par$i.pdf" 2>/dev/null &
done
wait
check "builds at once all give the same bytes" \
    sh -c "cmp '$TMP/off.pdf' '$TMP/par1.pdf' && cmp '$TMP/off.pdf' '$TMP/par2.pdf' && cmp '$TMP/off.pdf' '$TMP/par3.pdf'"
check "builds at once leave whole entries and no temporary files" \
    sh -c "test \$(ls '$C2/fonts' | wc -l) -eq $fonts && cd '$C2/fonts' && md5sum -c --quiet '$TMP/entries.md5'"

env -u XDG_CACHE_HOME HOME="$TMP/home" JIANBAO_CACHE_DIR=off \
    "$JIANBAO" build issues/2019-03 -o "$TMP/off2.pdf" 2>/dev/null
check "JIANBAO_CACHE_DIR=off writes no cache" test ! -e "$TMP/home"
env -u XDG_CACHE_HOME -u JIANBAO_CACHE_DIR HOME="$TMP/home" \
    "$JIANBAO" build issues/2019-03 -o "$TMP/home.pdf" 2>/dev/null
check "by default the cache is ~/.cache/jianbao" \
    test "$(ls "$TMP"/home/.cache/jianbao/fonts/*.fc | wc -l)" -eq "$fonts"
exit $status

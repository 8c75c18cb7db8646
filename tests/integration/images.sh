#!/bin/sh
# Figures through the whole program, plain and press: a PNG whose chunk checksums are
# all valid but whose image data is broken is an error at the figure's line (exit 1,
# the previous PDF kept); good PNGs (alpha, interlaced, 16-bit) and a JPEG come out
# at their pixel sizes, with the PNG's alpha as a soft mask in plain output.
. tests/integration/lib.sh

mkdir -p "$TMP/issue/figures"
awk 'NR > 1 && /^---$/ { exit } NR > 1' issues/2019-03/issue.md > "$TMP/front"
fig=$TMP/issue/figures
convert -size 1200x800 gradient:'#1f4e96'-'#e8eef7' -depth 8 "$fig/ok.png"
convert -size 600x400 xc:'rgba(200,30,30,0.5)' "$fig/alpha.png"
convert -size 600x400 gradient:'#1f4e96'-'#f0c040' -interlace PNG "$fig/inter.png"
convert -size 600x400 gradient:gray20-gray90 -depth 16 "$fig/deep.png"
convert -size 900x600 gradient:'#1f4e96'-'#f0c040' -quality 90 "$fig/photo.jpg"
# Broken zlib data behind valid CRCs: only a decoder can tell.
python3 - "$fig/ok.png" "$fig/broken.png" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
i = 8
while i + 12 <= len(b):
    n = struct.unpack('>I', b[i:i + 4])[0]
    if b[i + 4:i + 8] == b'IDAT':
        for k in range(2, min(n, 40)):
            b[i + 8 + k] ^= 0xA5
        b[i + 8 + n:i + 12 + n] = struct.pack('>I', zlib.crc32(bytes(b[i + 4:i + 8 + n])) & 0xffffffff)
        break
    i += n + 12
open(sys.argv[2], 'wb').write(b)
PY

write_issue() {
    { echo '---'; cat "$TMP/front"; echo '---'; echo; echo '# 企业动态'; echo; echo '## 图片'; echo
      echo '会员单位送来的照片如下。'; echo; for f in "$@"; do echo "![$f]($f)"; echo; done; } > "$TMP/issue/issue.md"
}

write_issue figures/ok.png figures/broken.png
line=$(grep -n 'broken.png' "$TMP/issue/issue.md" | cut -d: -f1)
for mode in plain press; do
    printf 'previous good PDF\n' > "$TMP/out.pdf"
    if [ $mode = press ]; then flag=--press; else flag=; fi
    "$JIANBAO" build $flag "$TMP/issue" -o "$TMP/out.pdf" 2>"$TMP/err"
    rc=$?
    got=$(grep -m1 'error: ' "$TMP/err")
    case "$got" in
        "$TMP/issue/issue.md:$line:"*": error: image figures/broken.png is a broken PNG ("*"); export it again")
            if [ $rc -eq 1 ] && [ "$(cat "$TMP/out.pdf")" = "previous good PDF" ]; then
                ok "$mode: broken PNG data is an error at line $line, previous PDF kept"
            else
                not_ok "$mode: broken PNG data (exit $rc)"
            fi ;;
        *) not_ok "$mode: broken PNG data: got '$got' (exit $rc)" ;;
    esac
done

write_issue figures/ok.png figures/alpha.png figures/inter.png figures/deep.png figures/photo.jpg
check "plain: figures of every kind build" "$JIANBAO" build "$TMP/issue" -o "$TMP/plain.pdf"
pdfimages -list "$TMP/plain.pdf" | awk 'NR > 2 { print $3, $4 "x" $5, $6, $9 }' > "$TMP/list"
check "plain: images at their pixel sizes, alpha as a soft mask, the JPEG unchanged" sh -c "
grep -q '^image 1200x800 rgb image' '$TMP/list' &&
grep -q '^image 600x400 rgb image' '$TMP/list' && grep -q '^smask 600x400 gray image' '$TMP/list' &&
grep -q '^image 600x400 gray image' '$TMP/list' && grep -q '^image 900x600 rgb jpeg' '$TMP/list'" 
check "press: figures of every kind build" "$JIANBAO" build --press "$TMP/issue" -o "$TMP/press.pdf"
check "press: every image CMYK or gray, no soft mask" sh -c "
pdfimages -list '$TMP/press.pdf' | awk 'NR > 2 && (\$3 != \"image\" || (\$6 != \"cmyk\" && \$6 != \"gray\")) { bad = 1 } END { exit bad }'"
exit $status

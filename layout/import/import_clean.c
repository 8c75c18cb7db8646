/* import_clean — the input bytes as valid UTF-8 text.
 *
 * Old Chinese text files are often not UTF-8: GBK/GB 18030 (what Windows in China
 * saves as "ANSI") and UTF-16 (Word's and Notepad's "Unicode") are common. Read as
 * UTF-8, every character of them would become U+FFFD. So the encoding is decided
 * first — a byte-order mark, else clean UTF-8, else the NUL bytes UTF-16 leaves beside
 * ASCII characters, else GB 18030 when the bytes are valid in it and look like
 * Chinese text — and the text converted with iconv. When none fits, the import stops
 * with the place of the first byte that is not UTF-8 rather than guess. */
#include "layout/import/import_int.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* The encodings read, by iconv's names. */
typedef enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_UTF32LE, ENC_UTF32BE, ENC_GB18030 } imp_enc;

static const char *const imp_enc_name[] = {
    "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "GB18030",
};

enum {
    /* UTF-8 with at most one bad byte per this many valid multi-byte characters is
     * UTF-8 with a few broken bytes (a cut file, one stray Latin-1 byte), repaired
     * with U+FFFD and reported, not another encoding. */
    IMP_UTF8_BAD_RATIO = 20,
    /* A few stray bytes in an otherwise ASCII file are repaired too. */
    IMP_UTF8_STRAY = 8,
    /* Percent of NUL bytes on one side of the byte pairs that marks UTF-16. */
    IMP_UTF16_SIDE = 90,
    /* Percent of GB 18030's two-byte characters that must lie in the GB 2312 area
     * (both bytes A1–FE: the 6,763 common Hanzi and the CJK punctuation); Big5 and
     * other two-byte codes read as GB 18030 fall far below. */
    IMP_GB2312_SHARE = 80,
};

/* Length of the valid UTF-8 sequence at text[i], 0 when it is invalid (utf8_next reads
 * a bad byte as U+FFFD and steps one byte; a real U+FFFD takes three). */
static size_t imp_valid(const char *text, size_t len, size_t i)
{
    size_t j = i;
    return utf8_next(text, len, &j) == 0xFFFD && j - i == 1 ? 0 : j - i;
}

/* A byte-order mark: its encoding, and its length in *skip (0 when there is none). */
static imp_enc imp_bom(const unsigned char *p, size_t len, size_t *skip)
{
    static const struct {
        const char *mark;
        size_t n;
        imp_enc enc;
    } boms[] = {
        /* UTF-32LE's mark starts with UTF-16LE's: test it first */
        { "\xFF\xFE\x00\x00", 4, ENC_UTF32LE }, { "\x00\x00\xFE\xFF", 4, ENC_UTF32BE },
        { "\xEF\xBB\xBF", 3, ENC_UTF8 },        { "\xFF\xFE", 2, ENC_UTF16LE },
        { "\xFE\xFF", 2, ENC_UTF16BE },
    };
    for (size_t k = 0; k < sizeof boms / sizeof *boms; k++)
        if (len >= boms[k].n && memcmp(p, boms[k].mark, boms[k].n) == 0) {
            *skip = boms[k].n;
            return boms[k].enc;
        }
    *skip = 0;
    return ENC_UTF8;
}

/* UTF-16 without a mark: its ASCII characters (newlines at least) are a NUL byte beside
 * the character, so the NUL bytes fall nearly all on one side of the byte pairs — the
 * odd side for little-endian. Returns ENC_UTF8 when the evidence is not there. */
static imp_enc imp_utf16_guess(const unsigned char *p, size_t len)
{
    size_t nul[2] = { 0, 0 };
    for (size_t i = 0; i < len; i++)
        nul[i & 1] += p[i] == 0;
    size_t all = nul[0] + nul[1];
    if (len % 2 || all < 2)
        return ENC_UTF8;
    if (nul[1] * 100 >= all * IMP_UTF16_SIDE)
        return ENC_UTF16LE;
    if (nul[0] * 100 >= all * IMP_UTF16_SIDE)
        return ENC_UTF16BE;
    return ENC_UTF8;
}

/* Whether valid GB 18030 bytes look like Chinese text rather than another two-byte code
 * (see IMP_GB2312_SHARE); ASCII alone does. */
static bool imp_gb_plausible(const unsigned char *p, size_t len)
{
    size_t common = 0, all = 0;
    for (size_t i = 0; i < len;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        /* four-byte sequences have a digit second byte */
        size_t n = i + 1 < len && p[i + 1] >= 0x30 && p[i + 1] <= 0x39 ? 4 : 2;
        all++;
        common += n == 2 && i + 1 < len && p[i] >= 0xA1 && p[i + 1] >= 0xA1;
        i += n;
    }
    return common * 100 >= all * IMP_GB2312_SHARE;
}

/* s converted from encoding from to encoding to (caller frees; *out_n its length), or
 * NULL: errno EILSEQ or EINVAL when s is not valid in from, ENOMEM, or iconv's own error
 * when it cannot convert between the two at all. */
static char *imp_iconv(const char *to, const char *from, const char *s, size_t n, size_t *out_n)
{
    /* no conversion made here takes more than 2 output bytes per input byte */
    if (n > (SIZE_MAX - 16) / 2) {
        errno = ENOMEM;
        return NULL;
    }
    size_t cap = n * 2 + 16;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1) {
        int err = errno;
        free(out);
        errno = err;
        return NULL;
    }
    char *in = (char *)s, *o = out;
    size_t left = n, room = cap - 1;
    size_t r = iconv(cd, &in, &left, &o, &room);
    int err = errno;
    iconv_close(cd);
    if (r == (size_t)-1) {
        free(out);
        errno = err == E2BIG ? ENOMEM : err;
        return NULL;
    }
    *o = 0;
    *out_n = (size_t)(o - out);
    return out;
}

/* s converted from enc to UTF-8; see imp_iconv. */
static char *imp_to_utf8(imp_enc enc, const char *s, size_t n, size_t *out_n)
{
    return imp_iconv("UTF-8", imp_enc_name[enc], s, n, out_n);
}

/* Whether UTF-16 read without a mark reads as Chinese: its characters, written in
 * GB 18030, are nearly all common ones. ASCII or UTF-8 bytes and the wrong byte order
 * read as UTF-16 give rare Hanzi, private-use characters and other scripts. */
static bool imp_utf16_plausible(const char *utf8, size_t n)
{
    size_t gn;
    char *gb = imp_iconv(imp_enc_name[ENC_GB18030], "UTF-8", utf8, n, &gn);
    bool yes = gb && imp_gb_plausible((const unsigned char *)gb, gn);
    free(gb);
    return yes;
}

/* Bytes that are not clean UTF-8 (or hold NUL bytes) and carry no mark: UTF-16 by its
 * NUL bytes; when they are not UTF-8 (utf8_bad), GB 18030 if they are valid in it and
 * read as Chinese, or UTF-16 without NUL bytes (all Han) in either byte order. UTF-16
 * only when it reads as Chinese. Returns the text converted (caller frees; *n,
 * *enc set), or NULL: errno ENOMEM, or none of them fits. */
static char *imp_guess(const char *text, size_t len, bool utf8_bad, imp_enc *enc, size_t *n)
{
    const unsigned char *p = (const unsigned char *)text;
    char *conv = NULL;
    *enc = imp_utf16_guess(p, len);
    if (*enc != ENC_UTF8) {
        if ((conv = imp_to_utf8(*enc, text, len, n)) && imp_utf16_plausible(conv, *n))
            return conv;
        if (!conv && errno == ENOMEM)
            return NULL;
        free(conv);
    }
    if (utf8_bad && imp_gb_plausible(p, len)) {
        *enc = ENC_GB18030;
        if ((conv = imp_to_utf8(*enc, text, len, n)) || errno == ENOMEM)
            return conv;
    }
    for (imp_enc e = ENC_UTF16LE; e <= ENC_UTF16BE && utf8_bad && len % 2 == 0; e++) {
        *enc = e;
        if ((conv = imp_to_utf8(e, text, len, n)) && imp_utf16_plausible(conv, *n))
            return conv;
        if (!conv && errno == ENOMEM)
            return NULL;
        free(conv);
    }
    errno = EILSEQ;
    return NULL;
}

bool imp_decode(imp_ctx *c, const char *text, size_t len)
{
    size_t skip, bad = 0, multi = 0, n = 0;
    imp_enc enc = imp_bom((const unsigned char *)text, len, &skip);
    char *conv = NULL;
    c->bad_at = len;
    if (enc != ENC_UTF8) {
        conv = imp_to_utf8(enc, text + skip, len - skip, &n);
        if (!conv) {
            /* a byte-order mark on bytes that do not follow it */
            c->from = imp_enc_name[enc];
            c->oom = errno == ENOMEM;
            c->undecided = !c->oom;
            return false;
        }
    } else if (skip == 0) {
        for (size_t i = 0; i < len;) {
            size_t k = imp_valid(text, len, i);
            if (k == 0 && bad++ == 0)
                c->bad_at = i;
            multi += k > 1;
            i += k ? k : 1;
        }
        if (bad > 0 || memchr(text, 0, len))
            conv = imp_guess(text, len, bad > 0, &enc, &n);
        if (!conv && bad > 0) {
            c->oom = errno == ENOMEM;
            /* none fits: UTF-8 after all when the bad bytes are a few stray ones (repaired
             * and reported), else refused */
            c->undecided = !c->oom && bad > IMP_UTF8_STRAY && bad * IMP_UTF8_BAD_RATIO > multi;
            if (c->oom || c->undecided)
                return false;
        }
    }
    if (conv)
        c->from = imp_enc_name[enc];
    bool ok = imp_clean(c, conv ? conv : text, conv ? n : len);
    free(conv);
    return ok;
}

bool imp_clean(imp_ctx *c, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    strbuf b = { 0 };
    int line = 1, reported = 0;
    bool bad = false;
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len) {
        unsigned ch = p[i];
        size_t k = ch == '\n' || ch == '\t' ? 1 : ch < 0x20 || ch == 0x7F ? 0 : imp_valid(text, len, i);
        bool c1 = k == 2 && ch == 0xC2 && p[i + 1] < 0xA0;
        if (ch == '\r' && i + 1 < len && p[i + 1] == '\n') {
            i++;
            continue;
        }
        if (k == 0 || c1) {
            if (!bad && reported++ < IMP_ENCODING_WARNINGS)
                imp_check(c, line, "invalid UTF-8 or control characters removed from this line");
            bad = true;
            if (k == 0 && ch >= 0x80)
                strbuf_str(&b, "\xEF\xBF\xBD");
            i += c1 ? 2 : 1;
            continue;
        }
        if (ch == '\n')
            line++, bad = false;
        strbuf_add(&b, text + i, k);
        i += k;
    }
    if (reported > IMP_ENCODING_WARNINGS)
        imp_check(c, line, "%d more lines had invalid UTF-8 or control characters",
                 reported - IMP_ENCODING_WARNINGS);
    c->len = b.n;
    c->text = imp_take(c, &b);
    return c->text != NULL;
}

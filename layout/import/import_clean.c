/* import_clean — the input bytes as valid UTF-8 text. */
#include "layout/import/import_int.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at text[i], 0 when it is invalid (utf8_next reads
 * a bad byte as U+FFFD and steps one byte; a real U+FFFD takes three). */
static size_t imp_valid(const char *text, size_t len, size_t i)
{
    size_t j = i;
    return utf8_next(text, len, &j) == 0xFFFD && j - i == 1 ? 0 : j - i;
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
                imp_warn(c, line, "invalid UTF-8 or control characters removed from this line");
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
        imp_warn(c, line, "%d more lines had invalid UTF-8 or control characters",
                 reported - IMP_ENCODING_WARNINGS);
    c->len = b.n;
    c->text = imp_take(c, &b);
    return c->text != NULL;
}

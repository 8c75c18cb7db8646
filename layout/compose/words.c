/* words — where the words of Han text begin, from ICU's word break iterator (its
 * dictionary segments Chinese): a heading breaks between words, never inside one
 * (CL-LB-14). */
#include "layout/compose/compose_int.h"

#include <pthread.h>
#include <stdlib.h>

#include <unicode/ubrk.h>

#include "layout/base/utf8.h"

/* One iterator for the process: the dictionary loads on its first use (a few ms), and
 * only headings that need more than one line ask for it. Paragraphs may be composed on
 * several threads: one at a time uses it. */
static UBreakIterator *iter;
static pthread_mutex_t iter_mu = PTHREAD_MUTEX_INITIALIZER;

static int words_find_locked(const para *p, bool *start);

int words_find(const para *p, bool *start)
{
    pthread_mutex_lock(&iter_mu);
    int rc = words_find_locked(p, start);
    pthread_mutex_unlock(&iter_mu);
    return rc;
}

static int words_find_locked(const para *p, bool *start)
{
    UErrorCode e = U_ZERO_ERROR;
    if (!iter) {
        iter = ubrk_open(UBRK_WORD, "zh", NULL, 0, &e);
        if (U_FAILURE(e)) {
            iter = NULL;
            return -1;
        }
    }
    if (p->len > INT32_MAX / 2)
        return -1;
    /* The text in UTF-16, and where each byte's character starts in it. */
    UChar *u16 = malloc((2 * p->len + 1) * sizeof *u16);
    int32_t *at = malloc((p->len + 1) * sizeof *at);
    bool *bound = calloc(2 * p->len + 1, sizeof *bound);
    int rc = -1;
    if (!u16 || !at || !bound)
        goto out;
    int32_t n = 0;
    for (size_t i = 0; i < p->len;) {
        size_t i0 = i;
        uint32_t c = utf8_next(p->text, p->len, &i);
        for (size_t k = i0; k < i; k++)
            at[k] = n;
        if (c >= 0x10000) {
            u16[n++] = (UChar)(0xD7C0 + (c >> 10));
            u16[n++] = (UChar)(0xDC00 | (c & 0x3FF));
        } else {
            u16[n++] = (UChar)c;
        }
    }
    at[p->len] = n;
    ubrk_setText(iter, u16, n, &e);
    if (U_FAILURE(e))
        goto out;
    for (int32_t b = ubrk_first(iter); b != UBRK_DONE; b = ubrk_next(iter))
        bound[b] = true;
    for (size_t i = 0; i < p->nu; i++)
        start[i] = bound[at[p->u[i].t0]];
    rc = 0;
out:
    /* The iterator must not keep a pointer to the freed text. */
    if (iter) {
        static const UChar none[1];
        UErrorCode e2 = U_ZERO_ERROR;
        ubrk_setText(iter, none, 0, &e2);
    }
    free(u16);
    free(at);
    free(bound);
    return rc;
}

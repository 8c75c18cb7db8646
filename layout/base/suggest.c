/* suggest — see suggest.h. */
#include "layout/base/suggest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/utf8.h"

/* Names longer than this are not compared (no one misspells a paragraph). */
#define SUGGEST_MAX_CHARS 64

/* Decodes up to SUGGEST_MAX_CHARS characters; -1 when there are more. */
static int decode(const char *s, size_t n, uint32_t *out)
{
    int k = 0;
    for (size_t i = 0; i < n;) {
        if (k == SUGGEST_MAX_CHARS)
            return -1;
        out[k++] = utf8_next(s, n, &i);
    }
    return k;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int suggest_distance(const char *a, size_t an, const char *b, size_t bn, int limit)
{
    uint32_t x[SUGGEST_MAX_CHARS], y[SUGGEST_MAX_CHARS];
    int n = decode(a, an, x), m = decode(b, bn, y);
    if (n < 0 || m < 0 || abs(n - m) > limit)
        return limit + 1;
    /* Three rows of the dynamic programme: two back (for swaps), one back, this one. */
    int r0[SUGGEST_MAX_CHARS + 1], r1[SUGGEST_MAX_CHARS + 1], r2[SUGGEST_MAX_CHARS + 1];
    int *pp = r0, *p = r1, *c = r2;
    for (int j = 0; j <= m; j++)
        p[j] = j;
    for (int i = 1; i <= n; i++) {
        c[0] = i;
        int row_min = c[0];
        for (int j = 1; j <= m; j++) {
            int cost = x[i - 1] != y[j - 1];
            c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && pp[j - 2] + 1 < c[j])
                c[j] = pp[j - 2] + 1;
            if (c[j] < row_min)
                row_min = c[j];
        }
        if (row_min > limit)
            return limit + 1;
        int *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[m] > limit ? limit + 1 : p[m];
}

void suggest_init(suggest *s, const char *word, size_t len)
{
    s->word = word;
    s->len = len;
    s->best = NULL;
    size_t chars = 0;
    for (size_t i = 0; i < len;) {
        utf8_next(word, len, &i);
        chars++;
    }
    /* The most edits still taken for a misspelling of this word. */
    s->dist = (chars <= 4 ? 1 : chars <= 8 ? 2 : 3) + 1;
}

void suggest_offer(suggest *s, const char *cand)
{
    if (!cand)
        return;
    size_t n = strlen(cand);
    if (n == s->len && memcmp(cand, s->word, n) == 0)
        return;
    int d = suggest_distance(s->word, s->len, cand, n, s->dist - 1);
    if (d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
}

const char *suggest_best(const suggest *s)
{
    return s->best;
}

/* strbuf — see strbuf.h. */
#include "layout/base/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/base/vec.h"

bool strbuf_add(strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return false;
    if (n > SIZE_MAX - b->n - 1 || !vec_reserve((void **)&b->p, &b->cap, b->n + n + 1, 1)) {
        b->oom = true;
        return false;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
    return true;
}

bool strbuf_str(strbuf *b, const char *s) { return strbuf_add(b, s, strlen(s)); }

bool strbuf_chr(strbuf *b, char c) { return strbuf_add(b, &c, 1); }

static bool vappend(strbuf *b, const char *fmt, va_list ap)
{
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    bool ok;
    if (n < 0) {
        b->oom = true;
        ok = false;
    } else if ((size_t)n < sizeof tmp) {
        ok = strbuf_add(b, tmp, (size_t)n);
    } else if (strbuf_add(b, NULL, 0) &&
               vec_reserve((void **)&b->p, &b->cap, b->n + (size_t)n + 1, 1)) {
        vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap2);
        b->n += (size_t)n;
        ok = true;
    } else {
        b->oom = true;
        ok = false;
    }
    va_end(ap2);
    return ok;
}

bool strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = vappend(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool strbuf_num(strbuf *b, double v, int dec)
{
    static const long long pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
    long long scale = pow10[dec < 0 ? 0 : dec > 6 ? 6 : dec];
    long long q = llround(v * (double)scale);
    char tmp[48], *e = tmp + sizeof tmp;
    char *p = e;
    bool neg = q < 0;
    unsigned long long a = neg ? (unsigned long long)(-q) : (unsigned long long)q;
    unsigned long long ip = a / (unsigned long long)scale, fp = a % (unsigned long long)scale;
    int d = dec;
    while (d > 0 && fp % 10 == 0) {      /* drop trailing zeros */
        fp /= 10;
        d--;
    }
    if (d > 0) {
        for (int k = 0; k < d; k++) {
            *--p = (char)('0' + fp % 10);
            fp /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (neg && a != 0)
        *--p = '-';
    return strbuf_add(b, p, (size_t)(e - p));
}

char *strbuf_take(strbuf *b)
{
    strbuf_add(b, "", 0);
    char *s = b->p;
    if (b->oom) {
        free(b->p);
        s = NULL;
    }
    memset(b, 0, sizeof *b);
    return s;
}

void strbuf_free(strbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *strbuf_format(const char *fmt, ...)
{
    strbuf b = { 0 };
    va_list ap;
    va_start(ap, fmt);
    vappend(&b, fmt, ap);
    va_end(ap);
    return strbuf_take(&b);
}

/* utf8 — see utf8.h. */
#include "layout/base/utf8.h"

uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    uint32_t c = p[0];
    int n;
    uint32_t min;
    if (c < 0x80) {
        *i += 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        *i += 1;
        return 0xFFFD;
    }
    if ((size_t)n > left) {
        *i += 1;
        return 0xFFFD;
    }
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *i += 1;
        return 0xFFFD;
    }
    *i += (size_t)n;
    return c;
}

uint32_t utf8_prev(const char *s, size_t *i)
{
    size_t end = *i, k = *i;
    if (k == 0)
        return 0;
    do
        k--;
    while (k > 0 && end - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80);
    size_t j = k;
    uint32_t cp = utf8_next(s, end, &j);
    *i = k;
    return cp;
}

int utf8_put(uint32_t cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

uint32_t utf8_first(const char *s, size_t n)
{
    size_t i = 0;
    return n ? utf8_next(s, n, &i) : 0;
}

uint32_t utf8_last(const char *s, size_t n)
{
    size_t i = n;
    return utf8_prev(s, &i);
}

size_t utf8_invalid(const char *s, size_t n, size_t from)
{
    size_t i = from;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        if (c == 0)
            return i;
        size_t j = i;
        /* utf8_next gives U+FFFD for a bad byte, advancing one byte; a real U+FFFD in
         * the text takes three. */
        if (utf8_next(s, n, &j) == 0xFFFD && j - i != 3)
            return i;
        i = j;
    }
    return n;
}

size_t utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

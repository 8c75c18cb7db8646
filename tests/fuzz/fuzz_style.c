/* libFuzzer target: the style-sheet reader on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/style/style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w")))
        abort();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    diag d;
    diag_init(&d, null);
    style *s = style_read_mem("fuzz.ini", text, &d);
    if ((s != NULL) != (d.errors == 0))
        abort();
    if (s && (s->body.size <= 0 || s->body.leading <= 0 || s->columns < 1 || !s->body.family))
        abort();
    style_free(s);
    free(text);
    return 0;
}

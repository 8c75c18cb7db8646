/* vec — see vec.h. */
#include "layout/base/vec.h"

#include <stdint.h>
#include <stdlib.h>

bool vec_reserve(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return false;
        nc *= 2;
    }
    if (nc > SIZE_MAX / size)
        return false;
    void *np = realloc(*items, nc * size);
    if (!np)
        return false;
    *items = np;
    *cap = nc;
    return true;
}

/* script — see script.h. */
#include "layout/base/script.h"

script_kind script_of(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return SCRIPT_CONTROL;
    if (cp == 0x20 || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A))
        return SCRIPT_SPACE;
    /* Marks shared by both writing systems: they follow their neighbours. */
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D || cp == 0x00B7 ||
        cp == 0x2014 || cp == 0x2026 || cp == 0x2013 || cp == 0x2015)
        return SCRIPT_EITHER;
    if (cp < 0x2E80 && cp != 0x25CB && !(cp >= 0x2460 && cp <= 0x24FF) &&
        !(cp >= 0x2190 && cp <= 0x21FF) && !(cp >= 0x2500 && cp <= 0x27BF))
        return SCRIPT_LATIN;
    return SCRIPT_CJK;
}

bool script_is_ideograph(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* script — which writing system a character belongs to, as the shaper itemizes text
 * and the reader joins source lines (CL-LB-12, CL-MX-04). */
#ifndef JB_SCRIPT_H
#define JB_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SCRIPT_CJK,               /* Han, kana, CJK punctuation and symbols */
    SCRIPT_LATIN,             /* Latin letters, digits, ASCII punctuation */
    SCRIPT_EITHER,            /* “ ” ‘ ’ · — … –: marks both systems share */
    SCRIPT_SPACE,
    SCRIPT_CONTROL,           /* C0/C1 controls, DEL: never shaped */
} script_kind;

script_kind script_of(uint32_t cp);

/* A Han ideograph (the CJK unified and compatibility blocks): a full em wide, never
 * squeezed (only punctuation gives up its blank halves, CL-JU-03). */
bool script_is_ideograph(uint32_t cp);

#endif

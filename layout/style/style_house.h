/* style_house — the house style sheet, styles/zasto.ini, as built into the program
 * (the Makefile generates its definition from that one file), so that jianbao works
 * where no styles/ folder is found and a style file need only say what differs. */
#ifndef JB_STYLE_HOUSE_H
#define JB_STYLE_HOUSE_H

#include <stddef.h>

extern const char style_house[];    /* NUL-terminated */
extern const size_t style_house_len;

#endif

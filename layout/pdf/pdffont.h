/* pdffont — our own PDF font objects, built with libharu's object API.
 *
 * libharu cannot show HarfBuzz output (its text path maps characters through the
 * cmap, one glyph each, and it cannot load CFF OpenType). So every font becomes a
 * Type0 font with /Encoding /Identity-H whose character codes are the original glyph
 * ids, one descendant CIDFont, /W widths, a ToUnicode CMap built from the shaping
 * clusters, and an hb-subset subset:
 *   CFF (Noto CJK): compact subset; its charset maps back to the original CIDs, so
 *     the CFF table goes in as /FontFile3 /CIDFontType0C on a /CIDFontType0;
 *   TrueType: compact subset as /FontFile2 on a /CIDFontType2 with a CIDToGIDMap
 *     stream from the subset plan's old→new glyph mapping. */
#ifndef JB_PDFFONT_H
#define JB_PDFFONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

#include "fonts/font.h"
#include "layout/pdf/pdfcache.h"

typedef struct pdffont_set pdffont_set;

/* cache: where subset programs are kept between builds (see pdfcache.h); NULL: a
 * disk-only cache from the environment, for this set's life. */
pdffont_set *pdffont_set_new(font_lib *lib, pdfcache *cache);
void pdffont_set_free(pdffont_set *s);

/* Records that glyph gid of font id is shown for text[0..ntext) (ntext may be 0 for
 * the second glyph of a cluster). The first text recorded for a glyph wins. */
int pdffont_use(pdffont_set *s, int font, uint32_t gid, const char *text, size_t ntext);

/* Writes the objects of every used font (call once every glyph is recorded) and starts
 * subsetting them on helper threads (layout/base/jobs.h) while the caller writes the
 * pages. Returns 0, or -1 with err. */
int pdffont_emit(pdffont_set *s, HPDF_Doc pdf, char *err, size_t errlen);

/* After emit, before the document's streams are deflated and saved: waits for the
 * subsets and puts them in their streams. Returns 0, or -1 with err. */
int pdffont_finish(pdffont_set *s, char *err, size_t errlen);

/* After emit: the Type0 font dictionary of a used font, or NULL. */
HPDF_Dict pdffont_dict(const pdffont_set *s, int font);
/* Advance of gid in text space units (1/1000 em), as written in /W. */
double pdffont_width(const pdffont_set *s, int font, uint32_t gid);
/* After finish: the size in bytes of the embedded font program of a used font. */
size_t pdffont_program_size(const pdffont_set *s, int font);
/* True when every glyph used maps to Unicode text in its ToUnicode CMap (PDF/UA). */
bool pdffont_all_mapped(const pdffont_set *s);

#endif

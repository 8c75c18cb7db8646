/* pf_checks — every check preflight makes, with its rule, its severity against each
 * standard, and what to do about it. A failure: PDF/X forbids it (ISO 15930-4 for
 * X-1a:2003, ISO 15930-7 for X-4), or the print shop's list (PR-01…PR-12) says it
 * fails; a warning: advice. PF_NONE: the standard does not ask for it. The README's
 * "preflight" section lists the same decisions. */
#include "layout/preflight/pf_int.h"

static const pf_check checks[PFK_COUNT] = {
    [PFK_ID_MISSING] = { "id-missing", 1, PF_FAIL, PF_FAIL,
                         "Write the file as PDF/X: identification, Title, dates, Trapped and a "
                         "trailer ID", NULL, false },
    [PFK_ID_WRONG] = { "id-wrong", 1, PF_FAIL, PF_FAIL,
                       "Export again for the standard the print shop asked for", NULL, false },
    /* X-4p needs an external profile the shop must have; jianbao's X-4 embeds it. */
    [PFK_ID_X4P] = { "id-x4p", 1, PF_NONE, PF_FAIL,
                     "Export as PDF/X-4 with the output profile embedded", NULL, false },
    /* ISO 15930-7 wants Info and XMP to agree; X-1a:2003 does not read XMP. */
    [PFK_XMP_MISMATCH] = { "xmp-mismatch", 1, PF_WARN, PF_FAIL,
                           "Write the same title and dates into Info and the XMP metadata", NULL,
                           false },
    [PFK_XMP_IDS] = { "xmp-ids", 1, PF_NONE, PF_FAIL,
                      "Add xmpMM:DocumentID, xmpMM:VersionID and xmpMM:RenditionClass to the "
                      "XMP metadata", NULL, false },
    [PFK_OI_MISSING] = { "output-intent-missing", 2, PF_FAIL, PF_FAIL,
                         "Embed the print shop's CMYK output profile (e.g. FOGRA39) as a "
                         "GTS_PDFX output intent", NULL, false },
    [PFK_OI_BAD] = { "output-intent-bad", 2, PF_FAIL, PF_FAIL,
                     "Embed the print shop's CMYK output profile (e.g. FOGRA39) as the one "
                     "GTS_PDFX output intent", NULL, false },
    [PFK_OI_REGISTRY] = { "output-intent-registry", 2, PF_WARN, PF_NONE,
                          "Name the registry of the output condition "
                          "(http://www.color.org)", NULL, false },
    [PFK_FONT_NOT_EMBEDDED] = { "font-not-embedded", 3, PF_FAIL, PF_FAIL,
                                "Embed every font", NULL, false },
    [PFK_FONT_NOT_SUBSET] = { "font-not-subset", 3, PF_WARN, PF_WARN,
                              "Embed fonts as subsets", NULL, false },
    /* PR-03 asks for ToUnicode: without it the shop cannot check or extract the text. */
    [PFK_FONT_NO_TOUNICODE] = { "font-no-tounicode", 3, PF_FAIL, PF_FAIL,
                                "Embed fonts with a ToUnicode map", NULL, false },
    /* PR-03: a Type 3 font has no font program to embed; RIPs render its glyphs as
     * graphics, often badly at small sizes. */
    [PFK_FONT_TYPE3] = { "font-type3", 3, PF_FAIL, PF_FAIL,
                         "Use an OpenType, TrueType or Type 1 font instead of a Type 3 font",
                         NULL, false },
    [PFK_FONT_BROKEN] = { "font-broken", 3, PF_FAIL, PF_FAIL, "Export the PDF again", NULL,
                          false },
    /* X-4 with a CMYK output intent allows calibrated and ICC colour, never DeviceRGB. */
    [PFK_CS_RGB] = { "colour-rgb", 4, PF_FAIL, PF_FAIL,
                     "Convert RGB to the output profile's CMYK", NULL, false },
    /* ISO 15930-7 allows ICC-based RGB (the RIP converts it); PR-04 prefers CMYK. */
    [PFK_CS_RGB_ICC] = { "colour-rgb-icc", 4, PF_FAIL, PF_WARN,
                         "Convert RGB to the output profile's CMYK (PDF/X-4 allows ICC-based "
                         "RGB; the RIP then converts it)", NULL, false },
    [PFK_CS_CALIBRATED] = { "colour-calibrated", 4, PF_FAIL, PF_NONE,
                            "Convert to DeviceCMYK or DeviceGray (PDF/X-1a allows no ICC, Lab or "
                            "calibrated colour)", NULL, false },
    [PFK_CS_UNKNOWN] = { "colour-unknown", 4, PF_FAIL, PF_FAIL,
                         "Export the PDF again with CMYK or gray colour", NULL, false },
    [PFK_GROUP_RGB] = { "group-rgb", 4, PF_FAIL, PF_FAIL,
                        "Blend transparency in the output profile's CMYK, not DeviceRGB", NULL,
                        false },
    [PFK_TAC] = { "ink-over-300", 5, PF_FAIL, PF_FAIL,
                  "Keep total ink at or below 300 % (convert with the output profile)",
                  "up to %.0f %%", true },
    [PFK_TEXT_RICH_BLACK] = { "text-rich-black", 5, PF_FAIL, PF_FAIL,
                              "Set black text in K only (0 0 0 100)", NULL, false },
    /* Advice: most RIPs overprint K-only black themselves. */
    [PFK_TEXT_KNOCKOUT] = { "text-knockout", 5, PF_WARN, PF_WARN,
                            "Set black text to overprint (K only, /OP /op true, /OPM 1)", NULL,
                            false },
    /* An overprinting white object prints nothing: what it should cover shows. */
    [PFK_WHITE_OVERPRINT] = { "white-overprint", 5, PF_FAIL, PF_FAIL,
                              "Turn overprint off for white objects", NULL, false },
    [PFK_NO_PAGES] = { "no-pages", 6, PF_FAIL, PF_FAIL, "Export the PDF again", NULL, false },
    [PFK_BOX_MISSING] = { "trimbox-missing", 6, PF_FAIL, PF_FAIL,
                          "Set a TrimBox (the finished size) and a BleedBox 3 mm larger on every "
                          "page", NULL, false },
    [PFK_BOX_NESTING] = { "boxes-nesting", 6, PF_FAIL, PF_FAIL,
                          "Make MediaBox ⊇ BleedBox ⊇ TrimBox on every page", NULL, false },
    [PFK_BLEED_SMALL] = { "bleed-small", 6, PF_WARN, PF_WARN,
                          "Give the BleedBox 3 mm around the TrimBox", "%.1f mm", false },
    /* PR-06: what crosses the trim must run on to the bleed, or a white edge shows. */
    [PFK_INK_NOT_BLEED] = { "ink-not-bleed", 6, PF_FAIL, PF_FAIL,
                            "Extend what crosses the trim edge 3 mm into the bleed, or keep it "
                            "inside the trim", "stops %.1f mm short", true },
    /* PR-07: cut off by the trimming knife. */
    [PFK_TEXT_BEYOND_TRIM] = { "text-beyond-trim", 7, PF_FAIL, PF_FAIL,
                               "Move the text at least 3 mm inside the trim", "up to %.1f mm beyond",
                               true },
    [PFK_TEXT_NEAR_TRIM] = { "text-near-trim", 7, PF_WARN, PF_WARN,
                             "Move the text at least 3 mm inside the trim", "closest %.1f mm",
                             false },
    [PFK_WIDTHS_ESTIMATED] = { "widths-estimated", 7, PF_WARN, PF_WARN,
                               "Check the text near the trim by eye", NULL, false },
    /* PR-08 says warn below 300 ppi; below half of it the pixels show. */
    [PFK_PPI_LOW] = { "image-ppi-low", 8, PF_WARN, PF_WARN,
                      "Use images of 300 ppi at their printed size", "lowest %.0f ppi", false },
    [PFK_PPI_VERY_LOW] = { "image-ppi-very-low", 8, PF_FAIL, PF_FAIL,
                           "Use images of 300 ppi at their printed size", "lowest %.0f ppi",
                           false },
    /* X-1a forbids transparency; X-4 allows it, but PR-09 asks for none. */
    [PFK_TRANSPARENCY] = { "transparency", 9, PF_FAIL, PF_WARN,
                           "Flatten transparency", NULL, false },
    [PFK_ENCRYPTED] = { "encrypted", 10, PF_FAIL, PF_FAIL, "Save the PDF without security",
                        NULL, false },
    [PFK_INTERACTIVE] = { "interactive", 10, PF_FAIL, PF_FAIL,
                          "Remove forms, JavaScript and actions", NULL, false },
    /* ISO 15930: no annotation inside the BleedBox but PrinterMark and TrapNet, whatever
     * its flags (Ghostscript's PDF/X output reverts to plain PDF for one). */
    [PFK_ANNOT_IN_TRIM] = { "annotation-in-bleed", 10, PF_FAIL, PF_FAIL,
                            "Remove links, comments and other annotations from the page", NULL,
                            false },
    /* ISO 15930: halftones of type 1 or 5 only, no HalftoneName. */
    [PFK_HALFTONE] = { "halftone", 10, PF_FAIL, PF_FAIL,
                       "Remove the halftone screens: screening is the print shop's", NULL,
                       false },
    [PFK_TRANSFER] = { "transfer-function", 10, PF_FAIL, PF_FAIL,
                       "Remove transfer functions: tone curves are the print shop's", NULL,
                       false },
    [PFK_LZW] = { "lzw", 10, PF_FAIL, PF_FAIL, "Compress with Flate (ZIP) instead of LZW",
                  NULL, false },
    [PFK_JPX] = { "jpeg2000", 10, PF_FAIL, PF_NONE,
                  "Compress images with JPEG or Flate (PDF/X-1a has no JPEG 2000)", NULL,
                  false },
    [PFK_OPI] = { "opi", 10, PF_FAIL, PF_FAIL,
                  "Place the high-resolution images themselves (no OPI links)", NULL, false },
    [PFK_POSTSCRIPT] = { "postscript", 10, PF_FAIL, PF_FAIL,
                         "Remove embedded PostScript", NULL, false },
    [PFK_EMBEDDED_FILE] = { "embedded-file", 10, PF_FAIL, PF_FAIL,
                            "Remove attached files", NULL, false },
    [PFK_DAMAGED] = { "damaged", 10, PF_FAIL, PF_FAIL,
                      "Export the PDF again; qpdf --check shows the damage", NULL, false },
    [PFK_LIMIT] = { "too-complex", 10, PF_FAIL, PF_FAIL,
                    "Simplify the PDF (flatten, re-export); the part named was not checked",
                    NULL, false },
    [PFK_VERSION] = { "pdf-version", 11, PF_FAIL, PF_FAIL,
                      "Export as PDF 1.3 or 1.4 for PDF/X-1a, up to 1.6 for PDF/X-4", NULL,
                      false },
};

const pf_check *pf_check_def(pf_check_id c) { return &checks[c]; }

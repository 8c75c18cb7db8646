/* pf_qpdf_int.h — what preflight takes from qpdf's C++ API, behind C (pf_qpdf.cc):
 *
 *  - reading content streams with qpdf's own tokenizer (QPDFTokenizer), handing each
 *    operator with its operands to C;
 *  - decoding a stream's filters with qpdf's decoders, stopping at a byte limit (the C
 *    API decodes a whole stream into memory, however large it inflates).
 *
 * Neither lets a C++ exception out. Private to layout/preflight/. */
#ifndef JB_PF_QPDF_INT_H
#define JB_PF_QPDF_INT_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Elements kept for one array operand (a TJ array: strings and adjustments); the rest
 * are dropped and the array marked partial, so a hostile array cannot make the element
 * list many times larger than the stream. Real TJ arrays hold a line: tens of items. */
#define PFC_MAX_ELEMS (1 << 16)
/* Operands kept before an operator: no operator takes more (sc/scn of a DeviceN space
 * with the PDF limit of 32 colorants); older ones are dropped. */
#define PFC_MAX_ARGS 32

typedef enum {
    PFV_NUM,                  /* num */
    PFV_NAME,                 /* s: "/Name" with #xx decoded, NUL-terminated */
    PFV_STR,                  /* s, len: the decoded bytes */
    PFV_ARRAY,                /* el, len: its numbers, names and strings in order (nested
                               * arrays flattened, dictionaries and words left out) */
    PFV_BOOL,                 /* num: 1 or 0 */
    PFV_OTHER,                /* a dictionary, null, or a number beyond double */
} pfv_kind;

typedef struct pfc_value {
    pfv_kind k;
    double num;
    const unsigned char *s;
    size_t len;
    const struct pfc_value *el;
    bool partial;             /* PFV_ARRAY: elements past PFC_MAX_ELEMS were dropped */
} pfc_value;

/* One operator and its operands, valid during the callback only. An inline image
 * (BI … ID data EI) comes as one operator "BI" whose operands are its dictionary's
 * keys and values in order; the image data is skipped. */
typedef struct {
    const char *op;
    const pfc_value *args;
    int nargs;
} pfc_op;

/* Called for every operator; returns false to stop reading. */
typedef bool (*pfc_fn)(void *ctx, const pfc_op *op);

typedef enum {
    PFC_OK,                   /* read to the end (bad tokens are skipped, as viewers do) */
    PFC_STOPPED,              /* the callback returned false */
    PFC_BUDGET,               /* *tokens_left ran out */
    PFC_NOMEM,
    PFC_ERROR,                /* qpdf failed in a way it does not describe as a token */
} pfc_status;

/* Reads data, calling fn for every operator. Every token read (operators, operands,
 * brackets) takes one from *tokens_left; at zero the reading stops. */
pfc_status pfc_read(const unsigned char *data, size_t len, size_t *tokens_left, pfc_fn fn,
                    void *ctx);

typedef enum {
    PFD_OK,
    PFD_TOO_BIG,              /* it decodes to more than the limit */
    PFD_BAD,                  /* a filter fails or is not one qpdf decodes; err says why */
    PFD_NOMEM,
} pfd_status;

/* Decodes raw stream bytes through the filters named in filters, the text of a PDF
 * dictionary with the stream's /Filter and /DecodeParms (as qpdf unparses them).
 * Image filters (DCT, JPX, CCITT, JBIG2) are not decoded: PFD_BAD. On PFD_OK *out (the
 * caller frees, NUL-terminated, not counted) holds *len bytes, at most limit. */
pfd_status pfd_decode(const unsigned char *raw, size_t rawlen, const char *filters, size_t limit,
                      unsigned char **out, size_t *len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif

/* pf_interp_int.h — the content interpreter's state and the functions its files share
 * (private to layout/preflight/): pf_interp.c (paths, paint, colour, resources by
 * name, the operator table), pf_text.c (text), pf_xobject.c (images and forms). */
#ifndef JB_PF_INTERP_INT_H
#define JB_PF_INTERP_INT_H

#include "layout/preflight/pf_int.h"
#include "layout/preflight/pf_qpdf_int.h"

/* Below this (pt) an edge counts as on the trim or the bleed: writers round. */
#define EDGE_EPS 0.1

typedef struct {
    double ctm[6];
    double clip[4];           /* the clipping path's extent in page space */
    cs_kind fill_cs, stroke_cs;
    double fill[4], stroke[4];
    bool op, OP;
    int opm;
    double font_size, th, tc, tw, tl, rise;
    int tr;
    const font_metrics *font; /* NULL before Tf: the ½ em estimate */
} gstate;

/* Resources looked up by name are remembered for the rest of the content stream: a
 * page shows the same few fonts, states and XObjects thousands of times, and each
 * lookup through the C API costs a few allocations. */
#define NAME_CACHE 16

typedef enum { RC_FONT, RC_GS, RC_XOBJECT, RC_CS } rc_kind;

typedef struct {
    rc_kind kind;
    char name[64];
    union {
        const font_metrics *font;
        struct {
            signed char OP, op;   /* -1: not set by the state */
            int opm;              /* -1: not set */
        } gs;
        struct {
            int id;
            enum { XO_OTHER, XO_IMAGE, XO_FORM } type;
            double w, h;          /* images; w < 0: no size */
            bool mask;
        } xo;
        cs_kind cs;
    } u;
} rc_entry;

typedef struct {
    pf *p;
    qpdf_oh res;
    int res_id;               /* object id of res, 0 when direct */
    rc_entry cache[NAME_CACHE];
    int ncache, next_evict;
    int obj;                  /* page or form, to name in findings */
    gstate gs[PF_MAX_GSTACK];
    int top;
    double tm[6], tlm[6];
    double sub[4];            /* current subpath's extent in page space */
    bool has_sub;
    double path[4];           /* the whole current path's extent (for W) */
    bool has_path;
    bool path_inside;         /* some subpath of the current path reaches the bleed box */
    double path_gap;          /* how far the worst subpath stops short of the bleed, pt */
    bool clip_pending;        /* W or W* seen: the path clips at its painting operator */
    bool abort;               /* stop reading this stream */
    int depth;                /* form nesting */
    int chain[PF_MAX_FORM_DEPTH + 1]; /* ids of the forms being interpreted */
} interp;

/* An unbounded clip (the initial one). */
extern const double pfi_no_clip[4];

/* ---- geometry and ink (pf_interp.c) ---- */

void pfi_mat_mul(const double a[6], const double b[6], double out[6]);
/* The page-space extent of the rectangle r under m. */
void pfi_map_rect(const double m[6], const double r[4], double out[4]);
void pfi_clip_to(double box[4], const double clip[4]);
bool pfi_empty(const double b[4]);
/* An area about to be painted: does it reach into the bleed box, and does it stop short
 * of the bleed? Sets I->path_inside and I->path_gap. */
void pfi_mark_area(interp *I, double box[4]);
double pfi_total_ink(const double v[4]);
/* An overprinting white (fill or stroke) that would paint nothing. */
bool pfi_white_vanishes(const gstate *g, bool stroke);

/* ---- resources named in the content (pf_interp.c) ---- */

/* The resource called name in category cat ("/Font"…): a handle the caller lets go. */
qpdf_oh pfi_resource(interp *I, const char *cat, const char *name);
/* The remembered entry for (kind, name), or NULL. */
rc_entry *pfi_cached(interp *I, rc_kind kind, const char *name);
/* A slot to remember (kind, name) in, or NULL for a name too long to keep. */
rc_entry *pfi_remember(interp *I, rc_kind kind, const char *name);
/* Reads a content stream (a page's or a form's) into I, within the tokens budget. */
void pfi_interpret(interp *I, const unsigned char *data, size_t len);

/* ---- text (pf_text.c) ---- */

/* Tj, ' and ": one string operand; TJ: strings and adjustments. */
void pfi_show_string(interp *I, const pfc_value *s);
void pfi_show_array(interp *I, const pfc_value *a);
void pfi_text_newline(interp *I, double tx, double ty);

/* ---- images and forms (pf_xobject.c) ---- */

/* An image drawn into the unit square under the CTM: bleed (PR-06), resolution (PR-08). */
void pfi_place_image(interp *I, int obj, double w_px, double h_px, bool mask);
void pfi_do_xobject(interp *I, const char *name);
/* BI … ID: the dictionary (key, value, key, value…). */
void pfi_inline_image(interp *I, const pfc_op *op);

#endif

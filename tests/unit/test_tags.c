/* The structure tree on the display list (tagged PDF, issue 16): blocks nest into
 * Sect, Art, L/LI/Lbl/LBody and BlockQuote in source order, headings skip no level, a
 * list marker is split off into its Lbl, a table's cells become TH/TD with spans and
 * scopes and its repeated header rows artifacts; a display list without structure
 * stays untagged. */
#include "boxutil.h"

#include "layout/blocks/table.h"

static font_lib *lib;
static style st;

static int setup(void **state)
{
    (void)state;
    lib = font_lib_new();
    bu_style(&st);
    return lib ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    char *out = tu_run(NULL, "rm -rf %s", tu_tmpdir());
    free(out);
    return 0;
}

static const dl_elem *E(const dl_doc *d, int i)
{
    assert_true(i >= 0 && i < d->nelems);
    return &d->elems[i];
}

static void test_nesting(void **state)
{
    (void)state;
    dl_doc *d = dl_doc_new(595, 842);
    int h1 = dl_tag_block(d, DL_S_SECT, 1, 0, NULL);
    int sect = E(d, h1)->parent;
    assert_int_equal(E(d, 0)->type, DL_S_DOCUMENT);
    assert_int_equal(E(d, sect)->type, DL_S_SECT);
    assert_int_equal(E(d, sect)->parent, 0);
    assert_int_equal(E(d, h1)->type, DL_S_H);
    assert_int_equal(E(d, h1)->level, 1);
    int h2 = dl_tag_block(d, DL_S_ART, 2, 0, NULL);
    int art = E(d, h2)->parent;
    assert_int_equal(E(d, art)->type, DL_S_ART);
    assert_int_equal(E(d, art)->parent, sect);
    assert_int_equal(E(d, h2)->level, 2);
    int p = dl_tag_block(d, DL_S_P, 0, 0, NULL);
    assert_int_equal(E(d, p)->parent, art);

    /* "1. a" / "   - b" / "2. c": one outer list, the inner one inside a's LBody. */
    int lbl_a, lbl_b, lbl_c;
    int a = dl_tag_block(d, DL_S_LI, 1, 0, &lbl_a);
    int b = dl_tag_block(d, DL_S_LI, 2, 0, &lbl_b);
    int c = dl_tag_block(d, DL_S_LI, 1, 0, &lbl_c);
    int li_a = E(d, a)->parent, li_c = E(d, c)->parent, outer = E(d, li_a)->parent;
    assert_int_equal(E(d, a)->type, DL_S_LBODY);
    assert_int_equal(E(d, lbl_a)->type, DL_S_LBL);
    assert_int_equal(E(d, lbl_a)->parent, li_a);
    assert_int_equal(E(d, li_a)->type, DL_S_LI);
    assert_int_equal(E(d, outer)->type, DL_S_L);
    assert_int_equal(E(d, outer)->parent, art);
    int inner = E(d, E(d, b)->parent)->parent;
    assert_int_equal(E(d, inner)->type, DL_S_L);
    assert_int_equal(E(d, inner)->parent, a);
    assert_int_equal(E(d, li_c)->parent, outer);
    assert_true(lbl_b >= 0 && lbl_c >= 0);

    /* A paragraph ends the list; the next item opens a new one. */
    dl_tag_block(d, DL_S_P, 0, 0, NULL);
    int lbl_d;
    int dd = dl_tag_block(d, DL_S_LI, 1, 0, &lbl_d);
    assert_int_not_equal(E(d, E(d, dd)->parent)->parent, outer);

    /* Quoted blocks share one BlockQuote until a block outside it. */
    int q1 = dl_tag_block(d, DL_S_P, 0, 1, NULL);
    int q2 = dl_tag_block(d, DL_S_P, 0, 1, NULL);
    int bq = E(d, q1)->parent;
    assert_int_equal(E(d, bq)->type, DL_S_BLOCKQUOTE);
    assert_int_equal(E(d, q2)->parent, bq);
    assert_int_equal(E(d, bq)->parent, art);
    assert_int_equal(E(d, dl_tag_block(d, DL_S_P, 0, 0, NULL))->parent, art);

    /* ##### right after ## is H3; a thematic break is no element. */
    assert_int_equal(E(d, dl_tag_block(d, DL_S_H, 5, 0, NULL))->level, 3);
    assert_int_equal(E(d, dl_tag_block(d, DL_S_H, 4, 0, NULL))->level, 4);
    assert_int_equal(dl_tag_block(d, DL_S_NONE, 0, 0, NULL), DL_ARTIFACT);

    /* Front matter made after the body comes first among the Document's children. */
    int cover = dl_tag_open(d, DL_S_SECT, -2);
    assert_int_equal(E(d, cover)->parent, 0);
    assert_int_equal(E(d, cover)->order, -2);
    assert_int_equal(E(d, dl_tag_block(d, DL_S_P, 0, 0, NULL))->parent, cover);
    assert_false(d->tag_failed);
    dl_doc_free(d);
}

/* "1. 第一项": the marker's 3 bytes go to the Lbl, the rest stays in the LBody. */
static void test_split_marker(void **state)
{
    (void)state;
    dl_doc *d = dl_doc_new(595, 842);
    int p = dl_page_add(d);
    const char *text = "1. 第一项";
    dl_glyph g[6] = { { 20, 0, 0, 0, 1 },  { 17, 5, 0, 1, 1 },  { 3, 8, 0, 2, 1 },
                      { 900, 11, 0, 3, 3 }, { 901, 21, 0, 6, 3 }, { 902, 31, 0, 9, 3 } };
    d->elem = 7;
    dl_text_add(d, p, 0, 10, dl_gray(0), 100, 200, g, 6, text, strlen(text));
    d->elem = DL_ARTIFACT;
    dl_tag_split(d, p, 0, 3, 5);
    assert_int_equal(d->pages[p].n, 2);
    const dl_item *a = &d->pages[p].items[0], *b = &d->pages[p].items[1];
    assert_string_equal(a->u.text.text, "1. ");
    assert_int_equal(a->u.text.ng, 3);
    assert_int_equal(a->elem, 5);
    assert_string_equal(b->u.text.text, "第一项");
    assert_int_equal(b->u.text.ng, 3);
    assert_int_equal(b->elem, 7);
    /* Glyphs keep their places; their text offsets are rebased on the new run. */
    bu_near(b->u.text.x, 100, 1e-6);
    bu_near(b->u.text.g[0].x, 11, 1e-6);
    assert_int_equal(b->u.text.g[0].gid, 900);
    assert_int_equal(b->u.text.g[1].text, 3);
    assert_int_equal(b->u.text.g[2].text, 6);
    dl_doc_free(d);
}

static const char *const rows[] = {
    "单位@r2|金额@c2",
    "出口|进口",
    "珠海|1|2",
    "合计@c2|3",
    "横琴|4|5",
};

/* The cells' elements in order: type, rowspan, colspan, scope. */
static void test_table(void **state)
{
    (void)state;
    bu_diag bd;
    bu_diag_open(&bd);
    typeset_ctx t;
    typeset_ctx_init(&t, lib, &st, &bd.d, NULL);
    doc_block blk = { 0 };
    blk.kind = DOC_TABLE;
    blk.table = bu_table("跨行跨列", 2, 5, rows);
    box *b = box_new(&t, &blk, BU_FULL, BU_FULL, BU_MAXH, 1);
    assert_non_null(b);
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    dl_page_add(d);
    dl_page_add(d);
    dl_tag_block(d, DL_S_ART, 2, 0, NULL);
    int tab = dl_tag_block(d, DL_S_TABLE, 0, 0, NULL);
    assert_int_equal(box_tag(b, &blk, d, tab), 0);
    static const struct {
        dl_stype type;
        int rs, cs;
        dl_scope scope;
    } want[] = {
        { DL_S_TH, 2, 1, DL_SCOPE_COLUMN }, { DL_S_TH, 1, 2, DL_SCOPE_COLUMN },
        { DL_S_TH, 1, 1, DL_SCOPE_COLUMN }, { DL_S_TH, 1, 1, DL_SCOPE_COLUMN },
        { DL_S_TD, 1, 1, DL_SCOPE_NONE },   { DL_S_TD, 1, 1, DL_SCOPE_NONE },
        { DL_S_TD, 1, 1, DL_SCOPE_NONE },   { DL_S_TD, 1, 2, DL_SCOPE_NONE },
        { DL_S_TD, 1, 1, DL_SCOPE_NONE },   { DL_S_TD, 1, 1, DL_SCOPE_NONE },
        { DL_S_TD, 1, 1, DL_SCOPE_NONE },   { DL_S_TD, 1, 1, DL_SCOPE_NONE },
    };
    int k = 0, nrow = 0, head = -1, body = -1;
    for (int i = tab + 1; i < d->nelems; i++) {
        const dl_elem *e = E(d, i);
        if (e->type == DL_S_THEAD)
            head = i;
        if (e->type == DL_S_TBODY)
            body = i;
        if (e->type == DL_S_TR) {
            assert_int_equal(e->parent, nrow < 2 ? head : body);
            nrow++;
        }
        if (e->type != DL_S_TH && e->type != DL_S_TD)
            continue;
        assert_true(k < (int)(sizeof want / sizeof want[0]));
        assert_int_equal(e->type, want[k].type);
        assert_int_equal(e->rowspan, want[k].rs);
        assert_int_equal(e->colspan, want[k].cs);
        assert_int_equal(e->scope, want[k].scope);
        k++;
    }
    assert_int_equal(k, 12);
    assert_int_equal(nrow, 5);
    assert_int_equal(E(d, tab + 1)->type, DL_S_CAPTION);

    /* Drawn, every cell's text is in its element and the rules are artifacts; the
     * header rows drawn again on the next page are pagination artifacts. */
    assert_int_equal(b->draw(b, d, 0, 60, 60, 0, b->nrows), 0);
    int text = 0;
    for (uint32_t i = 0; i < d->pages[0].n; i++) {
        const dl_item *it = &d->pages[0].items[i];
        if (it->kind == DL_RULE)
            assert_int_equal(it->elem, DL_ARTIFACT);
        if (it->kind == DL_TEXT) {
            assert_true(it->elem > tab);
            text++;
        }
    }
    assert_true(text >= 12);
    int bu = bu_find_text(d, 0, "单位", 0);
    assert_true(bu >= 0);
    assert_int_equal(E(d, d->pages[0].items[bu].elem)->rowspan, 2);
    assert_int_equal(b->draw(b, d, 1, 60, 60, b->caption_rows, b->caption_rows + b->nrepeat), 0);
    assert_true(d->pages[1].n > 0);
    for (uint32_t i = 0; i < d->pages[1].n; i++)
        if (d->pages[1].items[i].kind == DL_TEXT)
            assert_int_equal(d->pages[1].items[i].elem, DL_ARTIFACT_PAGINATION);
    dl_doc_free(d);
    box_free(b);
    bu_table_free(blk.table);
    bu_diag_close(&bd);
}

/* Hand-made display lists (no structure) are written as before: untagged PDF 1.4. */
static void test_untagged_without_structure(void **state)
{
    (void)state;
    dl_doc *d = dl_doc_new(595.276f, 841.89f);
    int p = dl_page_add(d);
    dl_rule_add(d, p, 50, 50, 300, 50, 1, dl_gray(0));
    char path[512];
    snprintf(path, sizeof path, "%s/untagged.pdf", tu_tmpdir());
    bu_write_pdf(d, lib, path);
    int rc;
    char *out = tu_run(&rc, "pdfinfo '%s'", path);
    assert_non_null(out);
    assert_non_null(strstr(out, "Tagged:          no"));
    assert_non_null(strstr(out, "PDF version:     1.4"));
    free(out);
    dl_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_split_marker),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_untagged_without_structure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

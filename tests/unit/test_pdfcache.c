/* pdfcache: a kept subset program comes back exactly, from memory or from disk, only
 * under its own key (recipe, font file, face, glyph set); damaged entries are ignored
 * and rewritten; the disk cache stays within its bound; concurrent writers never leave
 * half an entry; JIANBAO_CACHE_DIR / XDG_CACHE_HOME / off decide where it lives; a
 * deflated stream is kept in memory under its exact bytes. */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/app/issue.h"
#include "layout/pdf/pdfcache_int.h"
#include "layout/pdf/pdf.h"

static char fontfile[300];

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* A fresh folder under the test's temporary directory. */
static const char *fresh_dir(const char *name)
{
    static char d[8][300];
    static int k;
    char *p = d[k++ % 8];
    snprintf(p, 300, "%s/%s", tu_tmpdir(), name);
    free(tu_run(NULL, "rm -rf '%s'", p));
    return p;
}

/* An item whose deflated bytes are `size` bytes of a pattern seeded by seed. */
static pdfcache_item item(size_t size, unsigned seed, size_t ngids)
{
    pdfcache_item it = { 0 };
    it.z = malloc(size);
    for (size_t i = 0; i < size; i++)
        it.z[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 9));
    it.zlen = size;
    it.rawlen = size * 3 + seed;
    if (ngids) {
        it.gids = malloc(ngids * sizeof *it.gids);
        for (size_t i = 0; i < ngids; i++)
            it.gids[i] = (uint16_t)(i + seed);
        it.ngids = ngids;
    }
    return it;
}

static void assert_same(const pdfcache_item *a, const pdfcache_item *b)
{
    assert_int_equal(a->zlen, b->zlen);
    assert_memory_equal(a->z, b->z, a->zlen);
    assert_int_equal(a->rawlen, b->rawlen);
    assert_int_equal(a->ngids, b->ngids);
    if (a->ngids)
        assert_memory_equal(a->gids, b->gids, a->ngids * sizeof *a->gids);
}

static const uint32_t gids_a[] = { 3, 17, 600, 4501 };
static const uint32_t gids_b[] = { 3, 17, 600, 4502 };

static pdfcache_key *key(const char *recipe, unsigned index, const uint32_t *g)
{
    pdfcache_key *k = pdfcache_key_new(recipe, fontfile, index, g, 4);
    assert_non_null(k);
    return k;
}

/* Entries (*.fc) and temporary files in a cache folder. */
static void count_files(const char *dir, int *entries, int *temps, long *bytes)
{
    char sub[400];
    snprintf(sub, sizeof sub, "%s/fonts", dir);
    *entries = *temps = 0;
    *bytes = 0;
    DIR *d = opendir(sub);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char p[700];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", sub, e->d_name);
        if (stat(p, &st) || !S_ISREG(st.st_mode))
            continue;
        if (strstr(e->d_name, ".tmp"))
            (*temps)++;
        else if (strstr(e->d_name, ".fc"))
            (*entries)++, *bytes += st.st_size;
    }
    closedir(d);
}

/* The path of the one entry in a cache folder. */
static void only_entry(const char *dir, char *out, size_t cap)
{
    char *p = tu_run(NULL, "ls '%s'/fonts/*.fc", dir);
    assert_non_null(p);
    p[strcspn(p, "\n")] = 0;
    snprintf(out, cap, "%s", p);
    free(p);
}

static int setup(void **state)
{
    (void)state;
    snprintf(fontfile, sizeof fontfile, "%s/font.otf", tu_tmpdir());
    write_file(fontfile, "not really a font, only its identity counts", 44);
    unsetenv("JIANBAO_CACHE_MB");
    return 0;
}

static void test_disk_hit_same_bytes(void **state)
{
    (void)state;
    const char *dir = fresh_dir("disk");
    pdfcache_item it = item(100000, 1, 4), got;
    pdfcache_key *k = key("r1", 0, gids_a);
    pdfcache *c = pdfcache_new(dir, 0);
    assert_false(pdfcache_get(c, k, &got));
    pdfcache_put(c, k, &it);
    pdfcache_free(c);

    c = pdfcache_new(dir, 0); /* another build: nothing in memory */
    assert_true(pdfcache_get(c, k, &got));
    assert_same(&it, &got);
    pdfcache_counts n = pdfcache_get_counts(c);
    assert_int_equal(n.disk_hits, 1);
    assert_int_equal(n.memory_hits + n.misses, 0);
    pdfcache_item_free(&got);
    pdfcache_free(c);
    pdfcache_key_free(k);
    pdfcache_item_free(&it);
}

static void test_only_its_own_key(void **state)
{
    (void)state;
    const char *dir = fresh_dir("keys");
    pdfcache_item it = item(5000, 2, 0), got;
    pdfcache_key *k = key("r1", 0, gids_a);
    pdfcache *c = pdfcache_new(dir, 0);
    pdfcache_put(c, k, &it);
    pdfcache_key *other[] = { key("r2", 0, gids_a), key("r1", 1, gids_a), key("r1", 0, gids_b) };
    for (int i = 0; i < 3; i++) {
        assert_false(pdfcache_get(c, other[i], &got));
        pdfcache_key_free(other[i]);
    }
    /* The font file changes (new contents and time): a miss. */
    write_file(fontfile, "an updated font file, another size", 35);
    pdfcache_key *k2 = key("r1", 0, gids_a);
    assert_false(pdfcache_get(c, k2, &got));
    assert_true(pdfcache_get(c, k, &got)); /* the old key still names the old entry */
    pdfcache_item_free(&got);
    pdfcache_key_free(k2);
    pdfcache_key_free(k);
    pdfcache_free(c);
    pdfcache_item_free(&it);
    setup(NULL);
}

static void test_damaged_entry_ignored_and_rewritten(void **state)
{
    (void)state;
    const char *dir = fresh_dir("damaged");
    pdfcache_item it = item(20000, 3, 4), got;
    pdfcache_key *k = key("r1", 0, gids_a);
    pdfcache *c = pdfcache_new(dir, 0);
    pdfcache_put(c, k, &it);
    char path[700];
    only_entry(dir, path, sizeof path);

    /* One byte altered in the middle. */
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, 9000), 1);
    b ^= 0x40;
    assert_int_equal(pwrite(fd, &b, 1, 9000), 1);
    close(fd);
    assert_false(pdfcache_get(c, k, &got));
    pdfcache_put(c, k, &it); /* what the writer does after a miss */
    assert_true(pdfcache_get(c, k, &got));
    assert_same(&it, &got);
    pdfcache_item_free(&got);

    /* Cut short, then empty. */
    assert_int_equal(truncate(path, 15000), 0);
    assert_false(pdfcache_get(c, k, &got));
    assert_int_equal(truncate(path, 0), 0);
    assert_false(pdfcache_get(c, k, &got));
    pdfcache_put(c, k, &it);
    assert_true(pdfcache_get(c, k, &got));
    assert_same(&it, &got);
    pdfcache_item_free(&got);
    pdfcache_key_free(k);
    pdfcache_free(c);
    pdfcache_item_free(&it);
}

static void test_memory_within_bound(void **state)
{
    (void)state;
    pdfcache *c = pdfcache_new("off", 250000);
    pdfcache_item its[3] = { item(100000, 4, 0), item(100000, 5, 0), item(100000, 6, 0) };
    pdfcache_key *ks[3] = { key("m", 0, gids_a), key("m", 1, gids_a), key("m", 2, gids_a) };
    pdfcache_item got;
    pdfcache_put(c, ks[0], &its[0]);
    pdfcache_put(c, ks[1], &its[1]);
    assert_true(pdfcache_get(c, ks[0], &got)); /* 0 used after 1: 1 goes first */
    pdfcache_item_free(&got);
    pdfcache_put(c, ks[2], &its[2]);
    assert_false(pdfcache_get(c, ks[1], &got));
    for (int i = 0; i < 3; i += 2) {
        assert_true(pdfcache_get(c, ks[i], &got));
        assert_same(&its[i], &got);
        pdfcache_item_free(&got);
    }
    pdfcache_counts n = pdfcache_get_counts(c);
    assert_int_equal(n.memory_hits, 3);
    assert_int_equal(n.disk_hits, 0);
    for (int i = 0; i < 3; i++) {
        pdfcache_key_free(ks[i]);
        pdfcache_item_free(&its[i]);
    }
    pdfcache_free(c);
}

static void test_disk_within_bound(void **state)
{
    (void)state;
    const char *dir = fresh_dir("bound");
    setenv("JIANBAO_CACHE_MB", "1", 1);
    pdfcache *c = pdfcache_new(dir, 0);
    pdfcache_key *ks[6];
    for (unsigned i = 0; i < 6; i++) {
        pdfcache_item it = item(300000, 10 + i, 0);
        ks[i] = key("b", i, gids_a);
        pdfcache_put(c, ks[i], &it);
        pdfcache_item_free(&it);
        usleep(20000); /* distinct modification times */
    }
    int entries, temps;
    long bytes;
    count_files(dir, &entries, &temps, &bytes);
    assert_true(bytes <= 1L << 20);
    assert_true(entries >= 2);
    assert_int_equal(temps, 0);
    pdfcache_item got;
    assert_true(pdfcache_get(c, ks[5], &got)); /* the newest stays */
    pdfcache_item_free(&got);
    assert_false(pdfcache_get(c, ks[0], &got)); /* the oldest went */
    for (int i = 0; i < 6; i++)
        pdfcache_key_free(ks[i]);
    pdfcache_free(c);
    unsetenv("JIANBAO_CACHE_MB");
}

/* Four processes store and read the same two entries at once. */
static void test_concurrent_writers(void **state)
{
    (void)state;
    const char *dir = fresh_dir("concurrent");
    pid_t kids[4];
    for (int p = 0; p < 4; p++) {
        kids[p] = fork();
        assert_true(kids[p] >= 0);
        if (kids[p] == 0) {
            int bad = 0;
            for (int round = 0; round < 25; round++) {
                unsigned which = (unsigned)(round + p) % 2;
                pdfcache *c = pdfcache_new(dir, 0);
                pdfcache_key *k = pdfcache_key_new("c", fontfile, which, gids_a, 4);
                pdfcache_item it = item(200000, 20 + which, 4), got;
                if (pdfcache_get(c, k, &got)) {
                    bad |= got.zlen != it.zlen || memcmp(got.z, it.z, it.zlen) != 0;
                    pdfcache_item_free(&got);
                } else {
                    pdfcache_put(c, k, &it);
                }
                pdfcache_item_free(&it);
                pdfcache_key_free(k);
                pdfcache_free(c);
            }
            _exit(bad);
        }
    }
    for (int p = 0; p < 4; p++) {
        int st;
        assert_int_equal(waitpid(kids[p], &st, 0), kids[p]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    int entries, temps;
    long bytes;
    count_files(dir, &entries, &temps, &bytes);
    assert_int_equal(entries, 2);
    assert_int_equal(temps, 0);
}

static void test_where_it_lives(void **state)
{
    (void)state;
    pdfcache_item it = item(1000, 30, 0);
    pdfcache_key *k = key("w", 0, gids_a);
    const char *xdg = fresh_dir("xdg"), *env = fresh_dir("env");
    int entries, temps;
    long bytes;
    char root[400];

    unsetenv("JIANBAO_CACHE_DIR");
    setenv("XDG_CACHE_HOME", xdg, 1);
    pdfcache *c = pdfcache_new(NULL, 0);
    pdfcache_put(c, k, &it);
    pdfcache_free(c);
    snprintf(root, sizeof root, "%s/jianbao", xdg);
    count_files(root, &entries, &temps, &bytes);
    assert_int_equal(entries, 1);

    setenv("JIANBAO_CACHE_DIR", env, 1);
    c = pdfcache_new(NULL, 0);
    pdfcache_put(c, k, &it);
    pdfcache_free(c);
    count_files(env, &entries, &temps, &bytes);
    assert_int_equal(entries, 1);

    setenv("JIANBAO_CACHE_DIR", "off", 1);
    const char *none = fresh_dir("none");
    setenv("XDG_CACHE_HOME", none, 1);
    c = pdfcache_new(NULL, 0);
    pdfcache_put(c, k, &it);
    pdfcache_item got;
    assert_false(pdfcache_get(c, k, &got)); /* no memory asked for, no disk */
    pdfcache_free(c);
    struct stat st;
    assert_int_not_equal(stat(none, &st), 0);

    unsetenv("JIANBAO_CACHE_DIR");
    unsetenv("XDG_CACHE_HOME");
    pdfcache_key_free(k);
    pdfcache_item_free(&it);
}

static void test_streams_by_exact_bytes(void **state)
{
    (void)state;
    pdfcache *c = pdfcache_new("off", 300000);
    pdfcache_item a = item(100000, 40, 0), za = item(30000, 41, 0);
    unsigned char *z;
    size_t zlen;
    assert_false(pdfcache_stream_get(c, a.z, a.zlen, &z, &zlen));
    pdfcache_stream_put(c, a.z, a.zlen, za.z, za.zlen);
    assert_true(pdfcache_stream_get(c, a.z, a.zlen, &z, &zlen));
    assert_int_equal(zlen, za.zlen);
    assert_memory_equal(z, za.z, zlen);
    free(z);
    /* One byte different, or one byte shorter: not the same stream. */
    a.z[50000] ^= 1;
    assert_false(pdfcache_stream_get(c, a.z, a.zlen, &z, &zlen));
    a.z[50000] ^= 1;
    assert_false(pdfcache_stream_get(c, a.z, a.zlen - 1, &z, &zlen));
    /* Past the memory bound the least recently used stream goes. */
    pdfcache_item b = item(100000, 42, 0), c2 = item(100000, 43, 0);
    pdfcache_stream_put(c, b.z, b.zlen, za.z, za.zlen);
    assert_true(pdfcache_stream_get(c, a.z, a.zlen, &z, &zlen)); /* a used after b */
    free(z);
    pdfcache_stream_put(c, c2.z, c2.zlen, za.z, za.zlen);
    assert_false(pdfcache_stream_get(c, b.z, b.zlen, &z, &zlen));
    assert_true(pdfcache_stream_get(c, c2.z, c2.zlen, &z, &zlen));
    free(z);
    pdfcache_counts n = pdfcache_get_counts(c);
    assert_int_equal(n.stream_hits, 3);
    assert_int_equal(n.stream_misses, 4);
    /* Without a memory bound nothing is kept. */
    pdfcache *none = pdfcache_new("off", 0);
    pdfcache_stream_put(none, a.z, a.zlen, za.z, za.zlen);
    assert_false(pdfcache_stream_get(none, a.z, a.zlen, &z, &zlen));
    pdfcache_free(none);
    pdfcache_item_free(&a);
    pdfcache_item_free(&za);
    pdfcache_item_free(&b);
    pdfcache_item_free(&c2);
    pdfcache_free(c);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A process that builds again and again (jianbao watch) keeps one cache: the second
 * write of the default issue takes every subset and every deflated stream from memory
 * and gives the same bytes. */
static void test_watch_keeps_subsets_in_memory(void **state)
{
    (void)state;
    diag d;
    diag_init(&d, stderr);
    dl_doc *dl = NULL;
    font_lib *fonts = NULL;
    assert_int_equal(issue_layout("issues/2019-03", NULL, &d, &dl, &fonts), 0);
    pdfcache *c = pdfcache_new("off", 64 << 20);
    pdf_options po;
    pdf_options_default(&po);
    po.cache = c;
    char a[300], b[300], err[512];
    snprintf(a, sizeof a, "%s/first.pdf", tu_tmpdir());
    snprintf(b, sizeof b, "%s/second.pdf", tu_tmpdir());
    assert_int_equal(pdf_write(dl, fonts, &po, a, err, sizeof err), 0);
    pdfcache_counts n = pdfcache_get_counts(c);
    assert_true(n.misses >= 5);
    assert_int_equal(n.stores, n.misses);
    assert_int_equal(n.memory_hits + n.disk_hits, 0);
    assert_true(n.stream_misses > 54); /* every page's contents, at least */
    assert_int_equal(n.stream_hits, 0);
    assert_int_equal(pdf_write(dl, fonts, &po, b, err, sizeof err), 0);
    pdfcache_counts m = pdfcache_get_counts(c);
    assert_int_equal(m.memory_hits, n.misses);
    assert_int_equal(m.misses, n.misses);
    /* The same display list: every stream's deflated form was kept. */
    assert_int_equal(m.stream_hits, n.stream_misses);
    assert_int_equal(m.stream_misses, n.stream_misses);
    int st;
    free(tu_run(&st, "cmp -s '%s' '%s'", a, b));
    assert_int_equal(st, 0);
    assert_true(file_size(a) > 100000);
    pdfcache_free(c);
    dl_doc_free(dl);
    font_lib_free(fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_hit_same_bytes),
        cmocka_unit_test(test_only_its_own_key),
        cmocka_unit_test(test_damaged_entry_ignored_and_rewritten),
        cmocka_unit_test(test_memory_within_bound),
        cmocka_unit_test(test_disk_within_bound),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_where_it_lives),
        cmocka_unit_test(test_streams_by_exact_bytes),
        cmocka_unit_test(test_watch_keeps_subsets_in_memory),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    free(tu_run(NULL, "rm -rf '%s'", tu_tmpdir()));
    return rc;
}

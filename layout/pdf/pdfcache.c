/* pdfcache — see pdfcache.h.
 *
 * A program entry, on disk and in memory, is one byte string (integers little-endian):
 *   "JBFC1\n", u32 key length, the key, u64 program length before deflating,
 *   u32 n, n u16 new glyph ids, u32 deflated length, the deflated program,
 *   u32 CRC-32 of everything before it.
 * The key holds the recipe, the font path, the file's device, inode, size and
 * modification time, the face index and the glyph set; its FNV-1a hash names the file. */
#include "layout/pdf/pdfcache_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>

#include "layout/base/fileio.h"
#include "layout/base/path.h"
#include "layout/base/strbuf.h"
#include "layout/base/vec.h"

#define FC_MAGIC "JBFC1\n"
#define FC_MAGIC_LEN 6
#define FC_SUFFIX ".fc"
#define FC_DISK_MB 64                      /* default bound of the disk cache */
#define FC_MAX_ENTRY ((size_t)256 << 20)   /* larger files are not entries */
#define FC_STALE_TMP_SECONDS 600           /* a temporary file this old was abandoned */

struct pdfcache_key {
    strbuf bytes;
    uint64_t hash;
};

typedef struct {
    uint64_t hash;
    unsigned char *img;
    size_t len;
    size_t rawlen;            /* a stream: its raw bytes open img, its deflated form
                                 follows; 0: a program entry */
    uint64_t used;            /* tick of the last use: the least recent goes first */
} mem_entry;

struct pdfcache {
    char *dir;                /* the folder of entries; NULL: no disk cache */
    size_t disk_bound;
    size_t mem_bound, mem_total;
    mem_entry *mem;
    size_t nmem, capmem;
    uint64_t tick;
    pdfcache_counts counts;
};

/* ---- bytes ---- */

static void put_le(strbuf *b, uint64_t v, int nbytes)
{
    char o[8];
    for (int i = 0; i < nbytes; i++)
        o[i] = (char)(v >> (8 * i));
    strbuf_add(b, o, (size_t)nbytes);
}

typedef struct {
    const unsigned char *p;
    size_t at, end;
    bool bad;                 /* read past the end: the entry is not valid */
} reader;

static const unsigned char *rd_bytes(reader *r, size_t n)
{
    if (r->bad || r->end - r->at < n) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *q = r->p + r->at;
    r->at += n;
    return q;
}

static uint64_t rd_le(reader *r, int nbytes)
{
    const unsigned char *q = rd_bytes(r, (size_t)nbytes);
    uint64_t v = 0;
    for (int i = 0; q && i < nbytes; i++)
        v |= (uint64_t)q[i] << (8 * i);
    return v;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

/* ---- keys and entries ---- */

pdfcache_key *pdfcache_key_new(const char *recipe, const char *path, unsigned index,
                                 const uint32_t *gids, size_t n)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    pdfcache_key *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    strbuf *b = &k->bytes;
    strbuf_add(b, recipe, strlen(recipe) + 1);
    strbuf_add(b, path, strlen(path) + 1);
    put_le(b, (uint64_t)st.st_dev, 8);
    put_le(b, (uint64_t)st.st_ino, 8);
    put_le(b, (uint64_t)st.st_size, 8);
    put_le(b, (uint64_t)st.st_mtim.tv_sec, 8);
    put_le(b, (uint64_t)st.st_mtim.tv_nsec, 4);
    put_le(b, index, 4);
    put_le(b, n, 4);
    for (size_t i = 0; i < n; i++)
        put_le(b, gids[i], 4);
    if (b->oom) {
        pdfcache_key_free(k);
        return NULL;
    }
    k->hash = fnv1a(b->p, b->n);
    return k;
}

void pdfcache_key_free(pdfcache_key *k)
{
    if (!k)
        return;
    strbuf_free(&k->bytes);
    free(k);
}

void pdfcache_item_free(pdfcache_item *it)
{
    free(it->z);
    free(it->gids);
    memset(it, 0, sizeof *it);
}

static bool entry_image(const pdfcache_key *k, const pdfcache_item *it, strbuf *b)
{
    if (it->zlen > UINT32_MAX || it->ngids > UINT32_MAX)
        return false;
    strbuf_add(b, FC_MAGIC, FC_MAGIC_LEN);
    put_le(b, k->bytes.n, 4);
    strbuf_add(b, k->bytes.p, k->bytes.n);
    put_le(b, it->rawlen, 8);
    put_le(b, it->ngids, 4);
    for (size_t i = 0; i < it->ngids; i++)
        put_le(b, it->gids[i], 2);
    put_le(b, it->zlen, 4);
    strbuf_add(b, (const char *)it->z, it->zlen);
    if (!b->oom)
        put_le(b, libdeflate_crc32(0, b->p, b->n), 4);
    return !b->oom;
}

/* The item of entry img[0..len) when it is whole and is k's. */
static bool entry_item(const unsigned char *img, size_t len, const pdfcache_key *k,
                       pdfcache_item *it)
{
    memset(it, 0, sizeof *it);
    if (len < FC_MAGIC_LEN + 4 || memcmp(img, FC_MAGIC, FC_MAGIC_LEN) != 0)
        return false;
    reader r = { img, len - 4, len, false };
    if (rd_le(&r, 4) != libdeflate_crc32(0, img, len - 4))
        return false;
    r = (reader){ img, FC_MAGIC_LEN, len - 4, false };
    size_t klen = (size_t)rd_le(&r, 4);
    const unsigned char *key = rd_bytes(&r, klen);
    if (!key || klen != k->bytes.n || memcmp(key, k->bytes.p, klen) != 0)
        return false;
    it->rawlen = (size_t)rd_le(&r, 8);
    size_t ngids = (size_t)rd_le(&r, 4);
    const unsigned char *g = rd_bytes(&r, 2 * ngids);
    size_t zlen = (size_t)rd_le(&r, 4);
    const unsigned char *z = rd_bytes(&r, zlen);
    if (r.bad || r.at != r.end || zlen == 0)
        return false;
    it->z = malloc(zlen);
    it->gids = ngids ? malloc(ngids * sizeof *it->gids) : NULL;
    if (!it->z || (ngids && !it->gids)) {
        pdfcache_item_free(it);
        return false;
    }
    memcpy(it->z, z, zlen);
    it->zlen = zlen;
    for (size_t i = 0; i < ngids; i++)
        it->gids[i] = (uint16_t)(g[2 * i] | g[2 * i + 1] << 8);
    it->ngids = ngids;
    return true;
}

/* ---- memory ---- */

static mem_entry *mem_program(pdfcache *c, uint64_t hash)
{
    for (size_t i = 0; i < c->nmem; i++)
        if (c->mem[i].hash == hash && c->mem[i].rawlen == 0)
            return &c->mem[i];
    return NULL;
}

static void mem_drop(pdfcache *c, size_t i)
{
    c->mem_total -= c->mem[i].len;
    free(c->mem[i].img);
    c->mem[i] = c->mem[--c->nmem];
}

/* Keeps img[0..len) (taking it over) within the memory bound, the least recently used
 * first to go. */
static void mem_keep(pdfcache *c, uint64_t hash, unsigned char *img, size_t len, size_t rawlen)
{
    while (c->nmem && c->mem_total + len > c->mem_bound) {
        size_t lru = 0;
        for (size_t i = 1; i < c->nmem; i++)
            if (c->mem[i].used < c->mem[lru].used)
                lru = i;
        mem_drop(c, lru);
    }
    if (len > c->mem_bound || !VEC_PUSH_ROOM(c->mem, c->capmem, c->nmem)) {
        free(img);
        return;
    }
    c->mem[c->nmem++] = (mem_entry){ hash, img, len, rawlen, ++c->tick };
    c->mem_total += len;
}

/* ---- disk ---- */

static char *default_root(void)
{
    const char *e = getenv("JIANBAO_CACHE_DIR");
    if (e && *e)
        return strcmp(e, "off") == 0 ? NULL : strdup(e);
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && x[0] == '/')
        return strbuf_format("%s/jianbao", x);
    const char *h = getenv("HOME");
    return h && *h ? strbuf_format("%s/.cache/jianbao", h) : NULL;
}

/* mkdir -p, private to the user. */
static bool make_dirs(char *path)
{
    for (char *s = path + 1;; s++) {
        if (*s != '/' && *s != 0)
            continue;
        char end = *s;
        *s = 0;
        bool ok = mkdir(path, 0700) == 0 || errno == EEXIST;
        *s = end;
        if (!ok)
            return false;
        if (!end)
            break;
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static size_t disk_bound(void)
{
    const char *e = getenv("JIANBAO_CACHE_MB");
    char *end;
    long mb = e ? strtol(e, &end, 10) : 0;
    if (!e || *end || mb <= 0)
        mb = FC_DISK_MB;
    return (size_t)mb << 20;
}

static char *entry_path(const pdfcache *c, const pdfcache_key *k)
{
    return strbuf_format("%s/%016" PRIx64 FC_SUFFIX, c->dir, k->hash);
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

typedef struct {
    char *name;
    off_t size;
    struct timespec mtime;
} disk_file;

static int older_first(const void *a, const void *b)
{
    const disk_file *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Once the folder holds more than its bound, the least recently used entries go until
 * it holds three quarters of it; temporary files abandoned by a crash go too. Other
 * builds may remove the same files meanwhile: that is fine. */
static void disk_trim(const pdfcache *c)
{
    DIR *d = opendir(c->dir);
    if (!d)
        return;
    disk_file *f = NULL;
    size_t n = 0, cap = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        bool tmp = strstr(e->d_name, FC_SUFFIX ".tmp") != NULL;
        struct stat st;
        if ((!tmp && !path_has_suffix(e->d_name, FC_SUFFIX)) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (tmp) {
            if (now - st.st_mtime > FC_STALE_TMP_SECONDS)
                unlinkat(dirfd(d), e->d_name, 0);
            continue;
        }
        total += (uint64_t)st.st_size;
        if (VEC_PUSH_ROOM(f, cap, n) && (f[n].name = strdup(e->d_name)))
            f[n].size = st.st_size, f[n].mtime = st.st_mtim, n++;
    }
    if (total > c->disk_bound) {
        qsort(f, n, sizeof *f, older_first);
        for (size_t i = 0; i < n && total > c->disk_bound / 4 * 3; i++)
            if (unlinkat(dirfd(d), f[i].name, 0) == 0 || errno == ENOENT)
                total -= (uint64_t)f[i].size;
    }
    for (size_t i = 0; i < n; i++)
        free(f[i].name);
    free(f);
    closedir(d);
}

/* Written beside its final name and renamed: a reader sees all of it or none. */
static void disk_store(const pdfcache *c, const pdfcache_key *k, const void *img, size_t len)
{
    char *path = entry_path(c, k);
    char *tmp = path ? strbuf_format("%s.tmpXXXXXX", path) : NULL;
    int fd = tmp ? mkstemp(tmp) : -1;
    if (fd >= 0) {
        bool ok = write_all(fd, img, len);
        ok = close(fd) == 0 && ok;
        if (ok && rename(tmp, path) == 0)
            disk_trim(c);
        else
            unlink(tmp);
    }
    free(tmp);
    free(path);
}

static void mem_keep_program(pdfcache *c, uint64_t hash, unsigned char *img, size_t len)
{
    mem_entry *old = mem_program(c, hash);
    if (old)
        mem_drop(c, (size_t)(old - c->mem));
    mem_keep(c, hash, img, len, 0);
}

static bool disk_get(pdfcache *c, const pdfcache_key *k, pdfcache_item *it)
{
    char *path = entry_path(c, k);
    size_t len = 0;
    unsigned char *img = path ? fileio_read(path, FC_MAX_ENTRY, &len) : NULL;
    bool hit = img && entry_item(img, len, k, it);
    if (hit) {
        /* Used now: trimmed last. */
        utimensat(AT_FDCWD, path, NULL, 0);
        mem_keep_program(c, k->hash, img, len);
    } else {
        free(img);
    }
    free(path);
    return hit;
}

/* ---- the cache ---- */

pdfcache *pdfcache_new(const char *dir, size_t memory_bytes)
{
    pdfcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem_bound = memory_bytes;
    c->disk_bound = disk_bound();
    char *root = !dir ? default_root() : strcmp(dir, "off") == 0 ? NULL : strdup(dir);
    if (root) {
        c->dir = strbuf_format("%s/fonts", root);
        if (c->dir && !make_dirs(c->dir)) {
            free(c->dir);
            c->dir = NULL;
        }
        free(root);
    }
    return c;
}

void pdfcache_free(pdfcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nmem; i++)
        free(c->mem[i].img);
    free(c->mem);
    free(c->dir);
    free(c);
}

pdfcache_counts pdfcache_get_counts(const pdfcache *c)
{
    return c->counts;
}

bool pdfcache_get(pdfcache *c, const pdfcache_key *k, pdfcache_item *it)
{
    if (!c || !k)
        return false;
    mem_entry *m = mem_program(c, k->hash);
    if (m && entry_item(m->img, m->len, k, it)) {
        m->used = ++c->tick;
        c->counts.memory_hits++;
        return true;
    }
    if (c->dir && disk_get(c, k, it)) {
        c->counts.disk_hits++;
        return true;
    }
    c->counts.misses++;
    return false;
}

void pdfcache_put(pdfcache *c, const pdfcache_key *k, const pdfcache_item *it)
{
    if (!c || !k)
        return;
    strbuf b = { 0 };
    if (!entry_image(k, it, &b)) {
        strbuf_free(&b);
        return;
    }
    c->counts.stores++;
    if (c->dir)
        disk_store(c, k, b.p, b.n);
    size_t len = b.n;
    mem_keep_program(c, k->hash, (unsigned char *)strbuf_take(&b), len);
}

/* ---- deflated streams ---- */

static uint64_t stream_hash(const void *raw, size_t len)
{
    return (uint64_t)libdeflate_crc32(0, raw, len) << 32 ^ (uint64_t)len;
}

bool pdfcache_stream_get(pdfcache *c, const void *raw, size_t len, unsigned char **z,
                         size_t *zlen)
{
    if (!c || !c->mem_bound)
        return false;
    uint64_t h = stream_hash(raw, len);
    for (size_t i = 0; i < c->nmem; i++) {
        mem_entry *m = &c->mem[i];
        if (m->hash != h || m->rawlen != len || memcmp(m->img, raw, len) != 0)
            continue;
        size_t n = m->len - len;
        if (!(*z = malloc(n)))
            return false;
        memcpy(*z, m->img + len, n);
        *zlen = n;
        m->used = ++c->tick;
        c->counts.stream_hits++;
        return true;
    }
    c->counts.stream_misses++;
    return false;
}

void pdfcache_stream_put(pdfcache *c, const void *raw, size_t len, const void *z, size_t zlen)
{
    if (!c || !len || len + zlen > c->mem_bound)
        return;
    unsigned char *img = malloc(len + zlen);
    if (!img)
        return;
    memcpy(img, raw, len);
    memcpy(img + len, z, zlen);
    mem_keep(c, stream_hash(raw, len), img, len + zlen, len);
}

/* The model file of gfd/model.h: written through the one atomic writer, read whole and
 * checked field by field (magic, version, kind, shapes against the parameter count, the
 * size, the checksum) before anything is allocated from its numbers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/io.h"
#include "gfd/model.h"
#include "train/net_impl.h"

#define MAGIC "GFDMODEL"
#define HEAD_WORDS 10
#define FLAG_SPHERE 1u
#define FLAG_STATE 2u
#define MAX_FILE ((size_t)1 << 36)  /* 64 GiB: no generator here is larger */

typedef struct {
    unsigned char *p;
    size_t n, cap;
} bytes;

static int grow(bytes *b, size_t extra, gfd_err *err)
{
    if (b->n + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + extra)
        cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p)
        return gfd_fail(err, GFD_ENOMEM, "out of memory for a model file of %zu bytes", cap);
    b->p = p, b->cap = cap;
    return 0;
}

/* Little-endian, whatever the host. */
static void put_le(unsigned char *p, uint64_t v, int len)
{
    for (int i = 0; i < len; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int len)
{
    uint64_t v = 0;
    for (int i = 0; i < len; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t f64_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double bits_f64(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static void put_doubles(unsigned char *p, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_le(p + 8 * i, f64_bits(x[i]), 8);
}

static void get_doubles(const unsigned char *p, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = bits_f64(get_le(p + 8 * i, 8));
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

/* The bytes of the header and the weights (gfd/model.h). */
static size_t encode_size(const gfd_net_arch *a, size_t P, int state)
{
    return 8 + 4 * HEAD_WORDS + 4 * (size_t)a->nhidden + 16 + 8 * P + (state ? 16 + 16 * P : 0) + 8;
}

static void encode(unsigned char *p, const gfd_net *net, const gfd_model_state *st)
{
    const gfd_net_arch *a = gfd_net_get_arch(net);
    size_t P = gfd_net_nparams(net);
    int mlp = a->kind == GFD_NET_MLP;
    uint32_t head[HEAD_WORDS] = {GFD_MODEL_VERSION, (uint32_t)a->kind,
                                 (a->sphere ? FLAG_SPHERE : 0) | (st ? FLAG_STATE : 0),
                                 (uint32_t)a->zdim, (uint32_t)a->dout,
                                 mlp ? 0 : (uint32_t)a->width, mlp ? 0 : (uint32_t)a->blocks,
                                 mlp ? (uint32_t)a->nhidden : 0, 0, 0};
    memcpy(p, MAGIC, 8), p += 8;
    for (int i = 0; i < HEAD_WORDS; i++, p += 4)
        put_le(p, head[i], 4);
    for (int l = 0; mlp && l < a->nhidden; l++, p += 4)
        put_le(p, (uint32_t)a->hidden[l], 4);
    put_le(p, f64_bits(mlp ? 1.0 : a->res_scale), 8), p += 8;
    put_le(p, P, 8), p += 8;
    put_doubles(p, gfd_net_params(net), P), p += 8 * P;
    if (st) {
        put_le(p, (uint64_t)st->done, 8), put_le(p + 8, st->options_hash, 8), p += 16;
        put_doubles(p, st->m, P), put_doubles(p + 8 * P, st->v, P), p += 16 * P;
    }
}

int gfd_model_save(const char *path, const gfd_net *net, const gfd_model_state *st, gfd_err *err)
{
    const gfd_net_arch *a = gfd_net_get_arch(net);
    size_t n = encode_size(a, gfd_net_nparams(net), st != NULL);
    unsigned char *p = gfd_alloc(n, 1, "model file", err);
    if (!p)
        return -1;
    encode(p, net, st);
    put_le(p + n - 8, fnv1a(p, n - 8), 8);
    gfd_output *o = gfd_output_open(path, 0, err);
    int rc = o && gfd_output_write(o, p, n, err) == 0 ? gfd_output_commit(o, err) : -1;
    if (o && rc < 0)
        gfd_output_abort(o);
    free(p);
    return rc;
}

/* The whole file (at most MAX_FILE bytes). */
static int slurp(const char *path, bytes *b, gfd_err *err)
{
    int is_stdin = !path || !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return gfd_fail(err, GFD_EIO, "cannot open: %s", strerror(errno));
    size_t got;
    do {
        if (grow(b, 65536, err) < 0)
            break;
        got = fread(b->p + b->n, 1, b->cap - b->n, f);
        b->n += got;
    } while (got && b->n <= MAX_FILE);
    int bad = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (bad)
        return gfd_fail(err, GFD_EIO, "read error");
    if (b->n > MAX_FILE)
        return gfd_fail(err, GFD_EDATA, "larger than %zu bytes: not a gfd model", MAX_FILE);
    return err && err->code == GFD_ENOMEM ? -1 : 0;
}

/* A u32 of the header at off, at most max ("absurd" otherwise). */
static int word(const bytes *b, size_t off, uint32_t max, const char *what, int *out, gfd_err *err)
{
    uint32_t w = (uint32_t)get_le(b->p + off, 4);
    if (w > max)
        return gfd_fail(err, GFD_EDATA, "absurd shape: %s %u (at most %u)", what, w, max);
    *out = (int)w;
    return 0;
}

/* Header fields into a; returns the offset of the residual scale, or 0 on error. */
static size_t decode_head(const bytes *b, gfd_net_arch *a, uint32_t *flags, gfd_err *err)
{
    if (b->n < 8 || memcmp(b->p, MAGIC, 8))
        return gfd_fail(err, GFD_EDATA, "bad magic (not a gfd model)"), 0;
    if (b->n < 8 + 4 * HEAD_WORDS)
        return gfd_fail(err, GFD_EDATA, "truncated header (%zu bytes)", b->n), 0;
    uint32_t h[HEAD_WORDS];
    for (int i = 0; i < HEAD_WORDS; i++)
        h[i] = (uint32_t)get_le(b->p + 8 + 4 * i, 4);
    if (h[0] != GFD_MODEL_VERSION)
        return gfd_fail(err, GFD_EDATA, "version %u, this gfd reads version %d", h[0],
                        GFD_MODEL_VERSION), 0;
    if (h[1] != GFD_NET_MLP && h[1] != GFD_NET_RESMLP)
        return gfd_fail(err, GFD_EDATA, "unknown network kind %u", h[1]), 0;
    if (h[2] & ~(FLAG_SPHERE | FLAG_STATE) || h[8] || h[9])
        return gfd_fail(err, GFD_EDATA, "unknown flags or reserved words set"), 0;
    *a = (gfd_net_arch){.kind = (gfd_net_kind)h[1], .sphere = !!(h[2] & FLAG_SPHERE)};
    *flags = h[2];
    size_t off = 8;
    if (word(b, off + 12, GFD_NET_MAX_WIDTH, "noise dimension", &a->zdim, err) < 0 ||
        word(b, off + 16, GFD_NET_MAX_WIDTH, "output dimension", &a->dout, err) < 0 ||
        word(b, off + 20, GFD_NET_MAX_WIDTH, "width", &a->width, err) < 0 ||
        word(b, off + 24, GFD_NET_MAX_BLOCKS, "blocks", &a->blocks, err) < 0 ||
        word(b, off + 28, GFD_NET_MAX_HIDDEN, "hidden layers", &a->nhidden, err) < 0)
        return 0;
    off += 4 * HEAD_WORDS;
    if (b->n < off + 4 * (size_t)a->nhidden + 16)
        return gfd_fail(err, GFD_EDATA, "truncated header (%zu bytes)", b->n), 0;
    for (int l = 0; l < a->nhidden; l++, off += 4)
        if (word(b, off, GFD_NET_MAX_WIDTH, "hidden width", &a->hidden[l], err) < 0)
            return 0;
    a->res_scale = bits_f64(get_le(b->p + off, 8));
    return off;
}

/* The parameter count declared against the architecture's and the file's size, before
 * anything is allocated from them. */
static int check_sizes(const bytes *b, size_t off, uint32_t flags, const gfd_net_arch *a,
                       gfd_err *err)
{
    size_t P;
    if (net_param_count(a, &P, err) < 0) {
        if (err)
            err->code = GFD_EDATA;
        return gfd_err_prefix(err, "absurd shape");
    }
    uint64_t filed = get_le(b->p + off + 8, 8);
    if (filed != P)
        return gfd_fail(err, GFD_EDATA, "%llu parameters declared, the architecture has %zu",
                        (unsigned long long)filed, P);
    size_t need = encode_size(a, P, flags & FLAG_STATE);
    if (b->n < need)
        return gfd_fail(err, GFD_EDATA, "truncated: %zu bytes, %zu expected", b->n, need);
    if (b->n > need)
        return gfd_fail(err, GFD_EDATA, "%zu bytes after the end of the model", b->n - need);
    if (fnv1a(b->p, need - 8) != get_le(b->p + need - 8, 8))
        return gfd_fail(err, GFD_EDATA, "checksum mismatch (the file is damaged)");
    return 0;
}

/* Fills net's weights and st from a file check_sizes passed. */
static int decode_body(const bytes *b, size_t off, uint32_t flags, gfd_net *net,
                       gfd_model_state *st, gfd_err *err)
{
    size_t P = gfd_net_nparams(net);
    off += 16;
    get_doubles(b->p + off, gfd_net_params(net), P);
    if (!st)
        return 0;
    if (!(flags & FLAG_STATE))
        return gfd_fail(err, GFD_EDATA, "a model without optimizer state, not a checkpoint");
    off += 8 * P;
    st->done = (long)get_le(b->p + off, 8), st->options_hash = get_le(b->p + off + 8, 8);
    st->m = gfd_alloc(P, sizeof(double), "Adam moments", err);
    st->v = st->m ? gfd_alloc(P, sizeof(double), "Adam moments", err) : NULL;
    if (!st->v)
        return free(st->m), st->m = NULL, -1;
    get_doubles(b->p + off + 16, st->m, P), get_doubles(b->p + off + 16 + 8 * P, st->v, P);
    return 0;
}

gfd_net *gfd_model_load(const char *path, gfd_model_state *st, gfd_err *err)
{
    const char *name = path && strcmp(path, "-") ? path : "stdin";
    bytes b = {0};
    gfd_net_arch a;
    uint32_t flags = 0;
    gfd_net *net = NULL;
    size_t off = 0;
    if (slurp(path, &b, err) == 0 && (off = decode_head(&b, &a, &flags, err)) &&
        check_sizes(&b, off, flags, &a, err) == 0 && (net = gfd_net_new(&a, err)) &&
        decode_body(&b, off, flags, net, st, err) < 0)
        gfd_net_free(net), net = NULL;
    free(b.p);
    if (!net)
        gfd_err_prefix(err, "%s", name);
    return net;
}

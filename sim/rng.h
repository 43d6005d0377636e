/* rng — per-run, per-process random streams (docs/model.md §7).
 *
 * The generator is xoshiro256** (Blackman and Vigna), registered as a GSL
 * generator type so every GSL distribution draws from it: it passes
 * BigCrush, has a 2^256 period and costs a few cycles per draw, where
 * GSL's MT19937 costs several times more per 64 bits.
 *
 * Seeding, the documented mixing function: the 256-bit state of stream
 * (seed, run, purpose) is four successive outputs of splitmix64 started at
 *     k = mix64(mix64(seed ^ 0x636f696e73696d00) + run * 0x9E3779B97F4A7C15
 *               + purpose * 0xD1B54A32D192ED03)
 * where mix64 is splitmix64's finaliser. Run r's streams depend on nothing
 * but (seed, r), so any run can be computed alone, on any thread.
 *
 * For common random numbers between two scenarios (coinsim compare), draws
 * that belong to one viewer or one creator in one step come from a stream
 * of their own: the key above is carried on as
 *     k' = mix64(mix64(k + (step + 1) * 0xA0761D6478BD642F) + (id + 1) * 0xE7037ED1A0B428DB)
 * and the stream of (step, id) is splitmix64 started at k': its i-th output
 * (from 1) is mix64(k' + i * 0x9E3779B97F4A7C15). So a change that alters
 * one viewer's purchase in one step leaves every other viewer's draws, and
 * every later step, as they were. A stream costs two mixes to start and
 * one a draw, where seeding a xoshiro state would cost six: viewers' streams
 * are short (a handful of draws a step). A single uniform per (step, id),
 * as a creator's cash-out draw, is rng_unit_at, that stream's first. */
#ifndef COINSIM_RNG_H
#define COINSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The separate processes of a step each have their own stream, so a change
 * to one (say, more live creators) does not shift the draws of another. */
enum rng_purpose {
    RNG_CHURN = 1,   /* who leaves */
    RNG_LIVE = 2,    /* who is live */
    RNG_VIEWERS = 3, /* who is active, and active viewers' counts */
    RNG_CASHOUT = 4, /* per (step, creator): whether it cashes out */
    RNG_VIEWER = 5,  /* per (step, viewer): its intents, creator, gifts, purchases */
    RNG_AWARE = 6,   /* per (birth, viewer): whether it knows the web store */
    RNG_NPURPOSE = 7
};

extern const gsl_rng_type *rng_xoshiro256ss;

/* Allocate a generator for stream (seed, run, purpose). NULL out of memory. */
gsl_rng *rng_stream(uint64_t seed, uint64_t run, int purpose);

/* Reseed an existing xoshiro generator to stream (seed, run, purpose). */
void rng_reseed(gsl_rng *r, uint64_t seed, uint64_t run, int purpose);

/* The generator's state, exposed so the hottest draws can be inlined; they
 * return exactly what GSL's calls through the type would. */
typedef struct rng_xo {
    uint64_t s[4];
} rng_xo;

/* One step of xoshiro256** (Blackman and Vigna). */
static inline uint64_t rng_xo_next(rng_xo *st)
{
    uint64_t *s = st->s;
    const uint64_t result = ((s[1] * 5) << 7 | (s[1] * 5) >> 57) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3] << 45 | s[3] >> 19;
    return result;
}

static inline uint64_t rng_next(gsl_rng *r) { return rng_xo_next((rng_xo *)r->state); }

/* As gsl_rng_uniform: 53 random bits in [0, 1). */
static inline double rng_uniform(gsl_rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* As gsl_rng_uniform_pos: (0, 1). */
static inline double rng_uniform_pos(gsl_rng *r)
{
    double x;
    do
        x = rng_uniform(r);
    while (x == 0);
    return x;
}

static inline uint64_t rng_mix64_inline(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* The splitmix64 finaliser, exposed for tests and hashing. */
uint64_t rng_mix64(uint64_t x);

/* A splitmix64 stream: the per-(step, id) streams above. */
typedef struct rng_sm {
    uint64_t k;
} rng_sm;

static inline double rng_sm_uniform(rng_sm *g)
{
    g->k += 0x9E3779B97F4A7C15ULL;
    return (double)(rng_mix64_inline(g->k) >> 11) * 0x1.0p-53;
}

/* The key of stream (seed, run, purpose), as above. */
uint64_t rng_key(uint64_t seed, uint64_t run, int purpose);

/* The key of (step, id) under a stream key k, as above. */
uint64_t rng_key_at(uint64_t k, int64_t step, int64_t id);

/* One uniform on [0, 1) for (step, id) under stream key k. */
double rng_unit_at(uint64_t k, int64_t step, int64_t id);

#endif

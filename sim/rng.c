#include "rng.h"

#include <string.h>

#include "setup.h"

typedef rng_xo xo_state;

static inline uint64_t xo_next(xo_state *st) { return rng_xo_next(st); }

uint64_t rng_mix64(uint64_t x) { return rng_mix64_inline(x); }

static void xo_seed_key(xo_state *st, uint64_t k)
{
    for (int i = 0; i < 4; i++) {
        k += 0x9E3779B97F4A7C15ULL;
        st->s[i] = rng_mix64(k);
    }
    if (!(st->s[0] | st->s[1] | st->s[2] | st->s[3]))
        st->s[0] = 1; /* the all-zero state is the one xoshiro cannot leave */
}

static void xo_set(void *vstate, unsigned long seed)
{
    xo_seed_key(vstate, rng_mix64((uint64_t)seed));
}

static unsigned long xo_get(void *vstate) { return (unsigned long)xo_next(vstate); }

/* 53 random bits, in [0, 1). GSL's uniform must never return 1. */
static double xo_get_double(void *vstate) { return (double)(xo_next(vstate) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xo_type = {
    "xoshiro256**", (unsigned long)UINT64_MAX, 0, sizeof(xo_state), xo_set, xo_get, xo_get_double};

const gsl_rng_type *rng_xoshiro256ss = &xo_type;

uint64_t rng_key(uint64_t seed, uint64_t run, int purpose)
{
    return rng_mix64(rng_mix64(seed ^ 0x636f696e73696d00ULL) + run * 0x9E3779B97F4A7C15ULL +
                     (uint64_t)purpose * 0xD1B54A32D192ED03ULL);
}

void rng_reseed(gsl_rng *r, uint64_t seed, uint64_t run, int purpose)
{
    xo_seed_key(r->state, rng_key(seed, run, purpose));
}

uint64_t rng_key_at(uint64_t k, int64_t step, int64_t id)
{
    return rng_mix64(rng_mix64(k + (uint64_t)(step + 1) * 0xA0761D6478BD642FULL) +
                     (uint64_t)(id + 1) * 0xE7037ED1A0B428DBULL);
}

double rng_unit_at(uint64_t k, int64_t step, int64_t id)
{
    return (double)(rng_mix64(rng_key_at(k, step, id) + 0x9E3779B97F4A7C15ULL) >> 11) * 0x1.0p-53;
}

gsl_rng *rng_stream(uint64_t seed, uint64_t run, int purpose)
{
    sim_setup(); /* every run's streams come from here */
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256ss);
    if (r)
        rng_reseed(r, seed, run, purpose);
    return r;
}

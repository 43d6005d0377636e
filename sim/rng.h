/* rng — per-run, per-process random streams (MODEL.md §7).
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
 * but (seed, r), so any run can be computed alone, on any thread. */
#ifndef COINSIM_RNG_H
#define COINSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The separate processes of a step each have their own stream, so a change
 * to one (say, more live creators) does not shift the draws of another. */
enum rng_purpose { RNG_CHURN = 1, RNG_LIVE = 2, RNG_VIEWERS = 3, RNG_CASHOUT = 4, RNG_NPURPOSE = 5 };

extern const gsl_rng_type *rng_xoshiro256ss;

/* Allocate a generator for stream (seed, run, purpose). NULL out of memory. */
gsl_rng *rng_stream(uint64_t seed, uint64_t run, int purpose);

/* Reseed an existing xoshiro generator to stream (seed, run, purpose). */
void rng_reseed(gsl_rng *r, uint64_t seed, uint64_t run, int purpose);

/* The splitmix64 finaliser, exposed for tests and hashing. */
uint64_t rng_mix64(uint64_t x);

#endif

/* setup — what the library needs of the process, done by the library
 * itself the first time it is used: GSL's error handler off (its default
 * aborts, with a dashboard's terminal still raw; every GSL result is
 * checked instead). Anything that embeds sim/ (the program, the tests,
 * the fuzz harnesses) gets it without knowing. Thread-safe, idempotent. */
#ifndef COINSIM_SETUP_H
#define COINSIM_SETUP_H

void sim_setup(void);

#endif

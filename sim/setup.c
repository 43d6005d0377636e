#include "setup.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup_once(void) { gsl_set_error_handler_off(); }

void sim_setup(void) { pthread_once(&once, setup_once); }
